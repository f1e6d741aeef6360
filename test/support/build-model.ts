import type { FunctionModel, RouteModel, ServiceModel } from '../../src/config/model.js';

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
  const stage = overrides.stage ?? 'dev';
  const service = overrides.service ?? 'gateway-test';
  const functions = new Map<string, FunctionModel>();
  for (const key of overrides.extraFunctions ?? []) routes = [...routes, { routeKey: '', functionKey: key }];
  for (const route of routes) {
    const existing = functions.get(route.functionKey);
    functions.set(route.functionKey, {
      key: route.functionKey,
      name: `${service}-${stage}-${route.functionKey}`,
      handler: `handler.${route.functionKey}`,
      runtime: 'nodejs20.x',
      memorySize: 1024,
      timeout: 6,
      environment: {},
      tags: {},
      websocketRouteKeys: [...(existing?.websocketRouteKeys ?? []), ...(route.routeKey ? [route.routeKey] : [])],
      configPath: `functions.${route.functionKey}`,
    });
  }
  return {
    service,
    serviceDir: process.cwd(),
    configFile: 'serverless.yml',
    stage,
    region: 'us-east-1',
    provider: {
      name: 'aws',
      runtime: 'nodejs20.x',
      memorySize: 1024,
      timeout: 6,
      environment: {},
      tags: {},
      stackTags: {},
      iamRoleStatements: [],
      iamManagedPolicies: [],
      deploymentPrefix: 'serverless',
      restApiLogsRoleManagedExternally: false,
      versionFunctions: true,
    },
    functions,
    websocket: {
      apiName: `${stage}-${service}-websockets`,
      routeSelectionExpression: overrides.routeSelectionExpression ?? '$request.body.action',
      description: 'Serverless Websockets',
      useProviderTags: false,
      routes: routes.filter((route) => route.routeKey).map((route, i) => ({
        routeKey: route.routeKey,
        functionKey: route.functionKey,
        ...(route.routeResponse ? { routeResponseSelectionExpression: '$default' as const } : {}),
        ...(route.authorizer ? { authorizer: route.authorizer } : {}),
        configPath: `functions.${route.functionKey}.events[${i}].websocket`,
      })),
      authorizers: new Map(),
    },
    package: { patterns: [], individually: false, excludeDevDependencies: true },
    resources: { Resources: {}, Outputs: {}, Conditions: {}, extra: {} },
    custom: {},
    plugins: [],
  };
}
