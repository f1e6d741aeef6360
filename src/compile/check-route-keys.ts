import type { RouteModel, ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { isValidLogicalId, websocketsRouteId } from './naming.js';

/**
 * Route keys Serverless v3 accepts but CloudFormation or API Gateway would reject at deploy time:
 * keys whose logical id is not alphanumeric (a space, `@`…) and two different keys that normalise to one
 * logical id. The same key twice is kept: v3 merges its route resources (see compile-generated.ts).
 * Returns the routes to leave out.
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
    if (previous && previous.routeKey !== route.routeKey) {
      issues.push({
        code: 'WEBSOCKETS_ROUTE_KEY_COLLISION',
        message: `Route keys "${route.routeKey}" and "${previous.routeKey}" (${previous.configPath}) both map to the logical id "${id}"`,
        path,
        location,
        hint: 'Rename one of the route keys.',
      });
      rejected.add(route);
      continue;
    }
    byId.set(id, route);
  }
  return rejected;
}
