// The service model of bench/python-service: the same echo as a Node and as a Python function, each on its own
// route (or none, for the invoker alone) with a route response.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const serviceDir = fileURLToPath(new URL('../python-service/', import.meta.url));
export const runtimes = { node: ['handler.echo', 'nodejs22.x'], python: ['handler.echo', 'python3.12'] };

export function buildModel(routes, wsgate = {}) {
  const functions = new Map();
  for (const [key, [handler, runtime]] of Object.entries(runtimes)) {
    functions.set(key, { key, name: `bench-dev-${key}`, handler, runtime, memorySize: 1024, timeout: 6, environment: {}, tags: {}, websocketRouteKeys: routes ? [key] : [], configPath: `functions.${key}` });
  }
  return {
    service: 'bench', serviceDir, configFile: path.join(serviceDir, 'serverless.yml'), stage: 'dev', region: 'us-east-1',
    provider: { name: 'aws', runtime: 'nodejs22.x', environment: {} }, custom: { wsgate }, functions,
    package: { patterns: [], individually: false, excludeDevDependencies: true },
    websocket: { apiName: 'dev-bench-websockets', routeSelectionExpression: '$request.body.action', description: 'Serverless Websockets', useProviderTags: false,
      routes: routes ? Object.keys(runtimes).map((key) => ({ routeKey: key, functionKey: key, routeResponseSelectionExpression: '$default' })) : [], authorizers: new Map() },
  };
}
