import type { RouteModel, ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { isValidLogicalId, websocketsRouteId } from './naming.js';

/**
 * Route keys Serverless v3 accepts but CloudFormation or API Gateway would reject at deploy time:
 * keys whose logical id is not alphanumeric (a space, `@`…), the same key twice (v3 silently keeps
 * the last), and two keys that normalise to one logical id. Returns the routes to leave out.
 */
export function checkRouteKeys(model: ServiceModel, issues: ErrorDetail[]): Set<RouteModel> {
  const rejected = new Set<RouteModel>();
  const byId = new Map<string, RouteModel>();
  const location = { file: model.configFile };
  for (const route of model.websocket.routes) {
    const id = websocketsRouteId(route.routeKey);
    const path = `${route.configPath}.route`;
    if (!isValidLogicalId(id)) {
      issues.push({
        code: 'WEBSOCKETS_INVALID_ROUTE_KEY',
        message: `Route key "${route.routeKey}" cannot be deployed: its CloudFormation logical id "${id}" may hold only letters and digits`,
        path,
        location,
        hint: 'Use letters, digits and "$", ".", "-", "_", "/" in route keys (they map to S, Period, Dash, Underscore, Slash).',
      });
      rejected.add(route);
      continue;
    }
    const previous = byId.get(id);
    if (previous) {
      const same = previous.routeKey === route.routeKey;
      issues.push({
        code: same ? 'WEBSOCKETS_DUPLICATE_ROUTE_KEY' : 'WEBSOCKETS_ROUTE_KEY_COLLISION',
        message: same
          ? `Route key "${route.routeKey}" is already declared at ${previous.configPath}`
          : `Route keys "${route.routeKey}" and "${previous.routeKey}" (${previous.configPath}) both map to the logical id "${id}"`,
        path,
        location,
        hint: same
          ? 'A websocket API has one integration per route key: keep one of the two events.'
          : 'Rename one of the route keys.',
      });
      rejected.add(route);
      continue;
    }
    byId.set(id, route);
  }
  return rejected;
}
