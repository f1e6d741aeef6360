import type { RouteModel, ServiceModel } from '../../src/config/model.js';
import { buildServiceModel } from './service-model.js';

export interface RouteSpec {
  routeKey: string;
  functionKey: string;
  routeResponse?: boolean;
  authorizer?: RouteModel['authorizer'];
}

/** A ServiceModel built by hand, for gateway tests that do not need a serverless.yml. */
export function buildModel(
  routes: RouteSpec[],
  overrides: { routeSelectionExpression?: string; stage?: string; service?: string; extraFunctions?: string[] } = {},
): ServiceModel {
  const functions: Record<string, { handler: string }> = {};
  for (const key of [...routes.map((route) => route.functionKey), ...(overrides.extraFunctions ?? [])]) {
    functions[key] = { handler: `handler.${key}` };
  }
  return buildServiceModel({
    service: overrides.service ?? 'gateway-test',
    serviceDir: process.cwd(),
    stage: overrides.stage,
    routeSelectionExpression: overrides.routeSelectionExpression,
    functions,
    routes: routes.map((route, i) => ({
      routeKey: route.routeKey,
      functionKey: route.functionKey,
      ...(route.routeResponse ? { routeResponseSelectionExpression: '$default' as const } : {}),
      ...(route.authorizer ? { authorizer: route.authorizer } : {}),
      configPath: `functions.${route.functionKey}.events[${i}].websocket`,
    })),
  });
}
