import type { RouteModel, ServiceModel } from './model.js';

/**
 * The route that serves each route key, as AWS runs a Serverless v3 deploy of the service: when a key is
 * defined more than once, v3 merges the route resources, so the last definition's function (and authorizer)
 * serves it, and a `routeResponseSelectionExpression` any of them set stays on the route.
 */
export function servingRoutes(model: ServiceModel): Map<string, RouteModel> {
  const routes = new Map<string, RouteModel>();
  for (const route of model.websocket.routes) {
    const previous = routes.get(route.routeKey);
    const routeResponseSelectionExpression = route.routeResponseSelectionExpression ?? previous?.routeResponseSelectionExpression;
    routes.set(route.routeKey, routeResponseSelectionExpression ? { ...route, routeResponseSelectionExpression } : route);
  }
  return routes;
}
