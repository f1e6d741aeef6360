import path from 'node:path';
import type { AuthorizerModel, FunctionModel, RouteModel, ServiceModel, WebsocketLogsModel } from '../../src/config/model.js';

/** Everything a hand-built test model may set; the rest gets Serverless v3's defaults. */
export interface ServiceModelParts {
  service: string;
  serviceDir: string;
  stage?: string;
  region?: string;
  /** Functions by key; each needs at least a handler. */
  functions: Record<string, Partial<Omit<FunctionModel, 'key'>> & { handler: string }>;
  routes?: RouteModel[];
  routeSelectionExpression?: string;
  providerEnvironment?: ServiceModel['provider']['environment'];
  custom?: Record<string, unknown>;
  logs?: WebsocketLogsModel;
}

/** A fully defaulted ServiceModel built by hand, for tests that must not depend on config loading. */
export function buildServiceModel(parts: ServiceModelParts): ServiceModel {
  const { service, serviceDir } = parts;
  const stage = parts.stage ?? 'dev';
  const routes = parts.routes ?? [];
  const providerEnvironment = parts.providerEnvironment ?? {};
  const functions = new Map<string, FunctionModel>();
  for (const [key, spec] of Object.entries(parts.functions)) {
    functions.set(key, {
      name: `${service}-${stage}-${key}`,
      runtime: 'nodejs20.x',
      memorySize: 1024,
      timeout: 6,
      tags: {},
      websocketRouteKeys: routes.filter((route) => route.functionKey === key).map((route) => route.routeKey),
      configPath: `functions.${key}`,
      ...spec,
      environment: { ...providerEnvironment, ...spec.environment },
      key,
    });
  }
  const authorizers = new Map<string, AuthorizerModel>();
  for (const route of routes) if (route.authorizer) authorizers.set(route.authorizer.name, route.authorizer);
  return {
    service,
    serviceDir,
    configFile: path.join(serviceDir, 'serverless.yml'),
    stage,
    region: parts.region ?? 'us-east-1',
    provider: {
      name: 'aws',
      runtime: 'nodejs20.x',
      memorySize: 1024,
      timeout: 6,
      environment: providerEnvironment,
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
      routeSelectionExpression: parts.routeSelectionExpression ?? '$request.body.action',
      description: 'Serverless Websockets',
      useProviderTags: false,
      routes,
      authorizers,
      logs: parts.logs,
    },
    package: { patterns: [], individually: false, excludeDevDependencies: true },
    resources: { Resources: {}, Outputs: {}, Conditions: {}, extra: {} },
    custom: parts.custom ?? {},
    plugins: [],
  };
}
