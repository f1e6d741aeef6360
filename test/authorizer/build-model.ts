import type { AuthorizerModel, ServiceModel, WebsocketLogsModel } from '../../src/config/model.js';
import { buildServiceModel } from '../support/service-model.js';

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
  return buildServiceModel({
    service: options.service ?? 'auth-test',
    serviceDir: options.serviceDir ?? '/nonexistent',
    stage: options.stage,
    functions: Object.fromEntries(Object.entries(options.functions ?? {}).map(([key, handler]) => [key, { handler }])),
    routes: (options.routes ?? []).map((route, index) => ({
      ...route,
      configPath: `functions.${route.functionKey}.events[${index}].websocket`,
    })),
    custom: options.custom,
    logs: options.logs,
  });
}
