import type { AuthorizerModel, FunctionModel, RouteModel, ServiceModel, WebsocketLogsModel } from '../../src/config/model.js';

export interface TestModelOptions {
  service?: string;
  serviceDir?: string;
  stage?: string;
  /** Function key → handler (`file.export`). */
  functions?: Record<string, string>;
  routes?: Array<{ routeKey: string; functionKey: string; authorizer?: AuthorizerModel }>;
  custom?: Record<string, unknown>;
  logs?: WebsocketLogsModel;
}

/** A fully defaulted ServiceModel built by hand, for tests that must not depend on config loading. */
export function buildTestModel(options: TestModelOptions = {}): ServiceModel {
  const service = options.service ?? 'auth-test';
  const stage = options.stage ?? 'dev';
  const routes: RouteModel[] = (options.routes ?? []).map((route, index) => ({
    ...route,
    configPath: `functions.${route.functionKey}.events[${index}].websocket`,
  }));
  const functions = new Map<string, FunctionModel>();
  for (const [key, handler] of Object.entries(options.functions ?? {})) {
    functions.set(key, {
      key,
      name: `${service}-${stage}-${key}`,
      handler,
      runtime: 'nodejs20.x',
      memorySize: 1024,
      timeout: 6,
      environment: {},
      tags: {},
      websocketRouteKeys: routes.filter((route) => route.functionKey === key).map((route) => route.routeKey),
      configPath: `functions.${key}`,
    });
  }
  const authorizers = new Map<string, AuthorizerModel>();
  for (const route of routes) if (route.authorizer) authorizers.set(route.authorizer.name, route.authorizer);
  return {
    service,
    serviceDir: options.serviceDir ?? '/nonexistent',
    configFile: `${options.serviceDir ?? '/nonexistent'}/serverless.yml`,
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
      routeSelectionExpression: '$request.body.action',
      description: 'Serverless Websockets',
      useProviderTags: false,
      routes,
      authorizers,
      logs: options.logs,
    },
    package: { patterns: [], individually: false, excludeDevDependencies: true },
    resources: { Resources: {}, Outputs: {}, Conditions: {}, extra: {} },
    custom: options.custom ?? {},
    plugins: [],
  };
}
