import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { compile } from '../../src/compile/index.js';
import { writeService } from '../config/write-service.js';
import { startGateway } from '../support/start-gateway.js';
import { openClient } from '../support/ws-client.js';
import { FAKE_ARTIFACT } from './fixtures.js';

// Two functions on `$default`, the first with a route response: Serverless v3 deploys it, merging both into
// one AWS::ApiGatewayV2::Route (lib/plugins/aws/package/compile/events/websockets/lib/routes.js uses _.merge).
const yaml = `service: svc
provider:
  name: aws
  runtime: nodejs22.x
functions:
  first:
    handler: handler.first
    events:
      - websocket:
          route: $default
          routeResponseSelectionExpression: $default
  second:
    handler: handler.second
    events:
      - websocket: $default
`;
const handler = `exports.first = async () => ({ statusCode: 200, body: 'first' });
exports.second = async () => ({ statusCode: 200, body: 'second' });
`;

describe('a route key defined by two functions', () => {
  it('loads with a warning naming both functions and the one that serves the route', async () => {
    const { warnings } = await loadService({ env: {}, serviceDir: writeService({ 'serverless.yml': yaml, 'handler.js': handler }) });
    const warning = warnings.find((w) => w.code === 'CONFIG_DUPLICATE_ROUTE_KEY');
    expect(warning?.path).toBe('functions.second.events[0].websocket');
    expect(warning?.message).toContain('"first" (functions.first.events[0].websocket.route)');
    expect(warning?.message).toContain('function "second" serves the route');
    expect(warning?.location?.line).toBe(15);
  });

  it('runs as AWS runs the deployed stack: the last function serves, the route response of the first stays', async () => {
    const { model } = await loadService({ env: {}, serviceDir: writeService({ 'serverless.yml': yaml, 'handler.js': handler }) });
    const running = await startGateway(model);
    try {
      const client = await openClient(`${running.address.stageUrl}`);
      client.ws.send('hello');
      expect(await client.nextMessage()).toBe('second');
      await client.close();
    } finally {
      await running.close();
    }
  });

  it('packages what v3 packages: one merged route targeting the last integration, both integrations and permissions', async () => {
    const { model } = await loadService({ env: {}, serviceDir: writeService({ 'serverless.yml': yaml, 'handler.js': handler }) });
    const { Resources } = compile(model, { artifact: FAKE_ARTIFACT, artifactDirectoryName: 'serverless/svc/dev/1' }).updateTemplate;
    expect(Resources.SdefaultWebsocketsRoute?.Properties).toMatchObject({
      RouteKey: '$default',
      AuthorizationType: 'NONE',
      RouteResponseSelectionExpression: '$default',
      Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'SecondWebsocketsIntegration' }]] },
    });
    expect(Resources.SdefaultWebsocketsRouteResponse?.Type).toBe('AWS::ApiGatewayV2::RouteResponse');
    for (const id of ['FirstWebsocketsIntegration', 'SecondWebsocketsIntegration', 'FirstLambdaPermissionWebsockets', 'SecondLambdaPermissionWebsockets']) {
      expect(Resources[id], id).toBeDefined();
    }
    const deployment = Object.entries(Resources).find(([id]) => id.startsWith('WebsocketsDeployment') && id !== 'WebsocketsDeploymentStage')![1];
    // v3 lists each event's route (and route response) ids, the repeated key twice.
    expect(deployment.DependsOn).toEqual(['SdefaultWebsocketsRouteResponse', 'SdefaultWebsocketsRoute', 'SdefaultWebsocketsRoute']);
  });
});
