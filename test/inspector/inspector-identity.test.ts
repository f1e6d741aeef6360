import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthorizerModel } from '../../src/config/model.js';
import { buildModel } from '../support/build-model.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { createTestInvoker } from '../support/test-invoker.js';
import { openPageSocket } from '../support/page-socket.js';
import { openClient } from '../support/ws-client.js';

const authorizer: AuthorizerModel = { kind: 'function', name: 'auth', functionKey: 'auth', identitySource: ['route.request.querystring.token'] };
let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('the inspector shows who is connected and who posts', () => {
  it("pushes a connection's authorizer principalId and context, and an @connections call with its caller's agent and key", async () => {
    const invoker = createTestInvoker({
      auth: (event) => ({
        principalId: 'user-7',
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
        context: { room: 'blue', level: 3 },
      }),
      connect: () => ({ statusCode: 200 }),
    });
    const model = buildModel([{ routeKey: '$connect', functionKey: 'connect', authorizer }], { extraFunctions: ['auth'] });
    gw = await startGateway(model, { invoker, inspector: true, tls: false });
    const { port } = gw.address;
    const page = await openPageSocket(port);
    const until = page.until;

    await openClient(`${gw.address.stageUrl}?token=t1`);
    const { event } = await invoker.nextInvocation('connect');
    const connectionId = event.requestContext.connectionId as string;
    const connection = await until((message) => (message.type === 'connection' && message.connection.connectionId === connectionId ? message.connection : undefined));
    expect(connection).toMatchObject({ principalId: 'user-7', authorizerContext: { room: 'blue', level: 3 } });

    const sdk = new ApiGatewayManagementApiClient({ endpoint: gw.address.managementEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDINSPECTOR', secretAccessKey: 's' } });
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('hi') }));
    const call = await until((message) => (message.type === 'management' ? message.call : undefined));
    expect(call).toMatchObject({ operation: 'PostToConnection', connectionId, status: 200 });
    expect(call.caller).toMatch(/^127\.0\.0\.1, aws-sdk-js\/\S+, key AKIDINSPECTOR$/);
    page.client.ws.close();
  });
});
