import { afterEach, describe, expect, it } from 'vitest';
import { buildModel, type RouteSpec } from '../support/build-model.js';
import { createTestInvoker, type TestHandler } from '../support/test-invoker.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { openClient } from '../support/ws-client.js';

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(routes: RouteSpec[], handlers: Record<string, TestHandler>, routeSelectionExpression?: string) {
  const invoker = createTestInvoker(handlers);
  running = await startGateway(buildModel(routes, { routeSelectionExpression }), { invoker, tls: false });
  return { invoker, gw: running };
}

const echo: TestHandler = (event) => ({ statusCode: 200, body: `${event.requestContext.routeKey}:${event.body}` });

describe('route selection on a live connection (spec §4)', () => {
  it('routes by $request.body.action and falls back to $default for unknown keys and non-JSON', async () => {
    const { gw } = await start(
      [
        { routeKey: 'join', functionKey: 'join', routeResponse: true },
        { routeKey: '$default', functionKey: 'fallback', routeResponse: true },
      ],
      { join: echo, fallback: echo },
    );
    const client = await openClient(gw.address.url);
    client.ws.send('{"action":"join"}');
    expect(await client.nextMessage()).toBe('join:{"action":"join"}');
    client.ws.send('{"action":"leave"}');
    expect(await client.nextMessage()).toBe('$default:{"action":"leave"}');
    client.ws.send('not json');
    expect(await client.nextMessage()).toBe('$default:not json');
    client.ws.close();
  });

  it('selects with a concatenating expression', async () => {
    const { gw } = await start([{ routeKey: 'chat/join', functionKey: 'join', routeResponse: true }], { join: echo }, '${request.body.service}/${request.body.action}');
    const client = await openClient(gw.address.url);
    client.ws.send('{"service":"chat","action":"join"}');
    expect(await client.nextMessage()).toBe('chat/join:{"service":"chat","action":"join"}');
    client.ws.close();
  });

  it('selects a route keyed by a stringified number', async () => {
    const { gw } = await start([{ routeKey: '42', functionKey: 'answer', routeResponse: true }], { answer: echo });
    const client = await openClient(gw.address.url);
    client.ws.send('{"action":42}');
    expect(await client.nextMessage()).toBe('42:{"action":42}');
    client.ws.close();
  });

  it('answers the exact Forbidden frame when nothing matches and there is no $default', async () => {
    const { gw } = await start([{ routeKey: 'join', functionKey: 'join' }], { join: echo });
    const client = await openClient(gw.address.url);
    client.ws.send('{"action":"nope"}');
    const frame = await client.nextMessage();
    const record = await gw.waitForRecord((r) => r.eventType === 'MESSAGE');
    expect(frame).toBe(`{"message": "Forbidden", "connectionId":"${record.connectionId}", "requestId":"${record.requestId}"}`);
    expect(record.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    client.ws.close();
  });
});

describe('MESSAGE events (spec §1)', () => {
  it('has exactly the MESSAGE keys, the body verbatim and a messageId', async () => {
    const { invoker, gw } = await start(
      [
        { routeKey: '$connect', functionKey: 'connect' },
        { routeKey: 'chat', functionKey: 'chat' },
      ],
      { connect: () => ({ statusCode: 200 }), chat: () => ({ statusCode: 200 }) },
    );
    const client = await openClient(gw.address.stageUrl);
    const connect = await invoker.nextInvocation('connect');
    const body = '{"action": "chat", "message": "Hello from client"}';
    client.ws.send(body);
    const { event } = await invoker.nextInvocation('chat');
    expect(Object.keys(event).sort()).toEqual(['body', 'isBase64Encoded', 'requestContext']);
    expect(Object.keys(event.requestContext).sort()).toEqual(
      ['apiId', 'connectedAt', 'connectionId', 'domainName', 'eventType', 'extendedRequestId', 'identity', 'messageDirection', 'messageId', 'requestId', 'requestTime', 'requestTimeEpoch', 'routeKey', 'stage'].sort(),
    );
    expect(event.body).toBe(body);
    expect(event.requestContext.connectionId).toBe(connect.event.requestContext.connectionId);
    expect(event.requestContext.connectedAt).toBe(connect.event.requestContext.connectedAt);
    expect(event.requestContext.messageId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(event.requestContext.requestId).not.toBe(connect.event.requestContext.requestId);
    client.ws.close();
  });
});

describe('route responses (spec §3.2)', () => {
  it('sends the body with a $default route response even for a 500 statusCode', async () => {
    const { gw } = await start([{ routeKey: '$default', functionKey: 'fail', routeResponse: true }], {
      fail: () => ({ statusCode: 500, body: 'still delivered' }),
    });
    const client = await openClient(gw.address.url);
    client.ws.send('x');
    expect(await client.nextMessage()).toBe('still delivered');
    client.ws.close();
  });

  it('sends nothing without a route response', async () => {
    const { gw } = await start(
      [
        { routeKey: 'quiet', functionKey: 'quiet' },
        { routeKey: 'loud', functionKey: 'loud', routeResponse: true },
      ],
      { quiet: () => ({ statusCode: 200, body: 'must not arrive' }), loud: () => ({ statusCode: 200, body: 'loud' }) },
    );
    const client = await openClient(gw.address.url);
    client.ws.send('{"action":"quiet"}');
    await gw.waitForRecord((r) => r.eventType === 'MESSAGE' && r.routeKey === 'quiet');
    client.ws.send('{"action":"loud"}');
    expect(await client.nextMessage()).toBe('loud');
    client.ws.close();
  });

  it('sends the exact Internal server error frame when the handler fails, even without a route response', async () => {
    const { gw } = await start([{ routeKey: '$default', functionKey: 'broken' }], {
      broken: () => {
        throw new Error('kaput');
      },
    });
    const client = await openClient(gw.address.url);
    client.ws.send('hello');
    const frame = await client.nextMessage();
    const record = await gw.waitForRecord((r) => r.eventType === 'MESSAGE');
    expect(frame).toBe(`{"message": "Internal server error", "connectionId":"${record.connectionId}", "requestId":"${record.requestId}"}`);
    expect(record.status).toBe(500);
    client.ws.close();
  });

  it('keeps the connection open after error frames', async () => {
    const { gw } = await start([{ routeKey: 'ok', functionKey: 'ok', routeResponse: true }], { ok: () => ({ body: 'fine' }) });
    const client = await openClient(gw.address.url);
    client.ws.send('{"action":"missing"}');
    expect(JSON.parse(await client.nextMessage()).message).toBe('Forbidden');
    client.ws.send('{"action":"ok"}');
    expect(await client.nextMessage()).toBe('fine');
    client.ws.close();
  });

  it('closes with 1009 a message larger than 128 KB', async () => {
    const { gw } = await start([{ routeKey: '$default', functionKey: 'any' }], { any: () => ({}) });
    const client = await openClient(gw.address.url);
    client.ws.send('x'.repeat(128 * 1024 + 1));
    expect((await client.closed).code).toBe(1009);
  });
});
