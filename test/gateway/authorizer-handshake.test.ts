import { afterEach, describe, expect, it } from 'vitest';
import type { AuthorizerModel } from '../../src/config/model.js';
import type { GatewayOptions } from '../../src/gateway/create-gateway.js';
import { buildModel } from '../support/build-model.js';
import { createTestInvoker, type TestHandler } from '../support/test-invoker.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { expectRefused, openClient } from '../support/ws-client.js';

let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const authorizer: AuthorizerModel = { kind: 'function', name: 'auth', functionKey: 'auth', identitySource: ['route.request.header.Auth'] };

const policy = (effect: 'Allow' | 'Deny', resource: string) => ({
  principalId: 'user-1',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
  context: { tenant: 't1', level: 3, admin: false },
});

async function start(auth: TestHandler, options: GatewayOptions = {}) {
  const invoker = createTestInvoker({
    auth,
    connect: () => ({ statusCode: 200 }),
    chat: () => ({ statusCode: 200 }),
    disconnect: () => ({ statusCode: 200 }),
  });
  gw = await startGateway(
    buildModel(
      [
        { routeKey: '$connect', functionKey: 'connect', authorizer },
        { routeKey: 'chat', functionKey: 'chat' },
        { routeKey: '$disconnect', functionKey: 'disconnect' },
      ],
      { extraFunctions: ['auth'] },
    ),
    { invoker, tls: false, ...options },
  );
  return { invoker, gw };
}

describe('the $connect authorizer in the handshake (spec §2)', () => {
  it('runs before $connect and hands its context to CONNECT (with integrationLatency) and MESSAGE events', async () => {
    const { invoker, gw } = await start((event) => policy('Allow', event.methodArn));
    const client = await openClient(gw.address.stageUrl, { headers: { Auth: 'token-1' } });
    const auth = await invoker.nextInvocation('auth');
    expect(auth.event.type).toBe('REQUEST');
    expect(auth.event.methodArn).toBe(`arn:aws:execute-api:us-east-1:123456789012:${gw.gateway.apiId}/dev/$connect`);
    const connect = await invoker.nextInvocation('connect');
    expect(invoker.invocations.findIndex((i) => i.functionKey === 'auth')).toBeLessThan(invoker.invocations.findIndex((i) => i.functionKey === 'connect'));
    expect(connect.event.requestContext.connectionId).toBe(auth.event.requestContext.connectionId);
    const connectAuthorizer = connect.event.requestContext.authorizer;
    expect(connectAuthorizer).toMatchObject({ principalId: 'user-1', tenant: 't1' });
    expect(typeof connectAuthorizer.integrationLatency).toBe('number');

    client.ws.send('{"action":"chat"}');
    const message = await invoker.nextInvocation('chat');
    expect(message.event.requestContext.authorizer).toMatchObject({ principalId: 'user-1', tenant: 't1' });
    expect(message.event.requestContext.authorizer).not.toHaveProperty('integrationLatency');
    client.ws.close();
  });

  it('answers 401 without invoking anything when the identity source is missing', async () => {
    const { invoker, gw } = await start((event) => policy('Allow', event.methodArn));
    expect((await expectRefused(gw.address.stageUrl)).status).toBe(401);
    expect(invoker.invocations).toHaveLength(0);
  });

  it('answers 403 on a Deny policy and never runs $connect', async () => {
    const { invoker, gw } = await start((event) => policy('Deny', event.methodArn));
    expect((await expectRefused(gw.address.stageUrl, { headers: { Auth: 'x' } })).status).toBe(403);
    expect(invoker.invocations.map((i) => i.functionKey)).toEqual(['auth']);
    const record = await gw.waitForRecord((r) => r.eventType === 'CONNECT');
    expect(record.status).toBe(403);
  });

  it('answers 401 when the authorizer throws Unauthorized', async () => {
    const { gw } = await start(() => {
      throw new Error('Unauthorized');
    });
    expect((await expectRefused(gw.address.stageUrl, { headers: { Auth: 'x' } })).status).toBe(401);
  });

  it('bounds the authorizer by the integration timeout, like $connect (--integration-timeout)', async () => {
    const { invoker, gw } = await start((event) => policy('Allow', event.methodArn), { limits: { integrationTimeoutMs: 4_000 } });
    const client = await openClient(gw.address.stageUrl, { headers: { Auth: 'x' } });
    expect((await invoker.nextInvocation('auth')).options?.deadlineMs).toBe(4_000);
    expect((await invoker.nextInvocation('connect')).options?.deadlineMs).toBe(4_000);
    client.ws.close();
  });
});
