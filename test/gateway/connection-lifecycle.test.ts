import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildModel } from '../support/build-model.js';
import { createTestInvoker, type TestHandler } from '../support/test-invoker.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { expectRefused, openClient } from '../support/ws-client.js';
import type { RouteSpec } from '../support/build-model.js';

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(routes: RouteSpec[], handlers: Record<string, TestHandler>, options: { tls?: boolean } = {}) {
  const invoker = createTestInvoker(handlers);
  running = await startGateway(buildModel(routes), { invoker, tls: options.tls ?? false });
  return { invoker, gw: running };
}

describe('$connect (spec §3.1)', () => {
  it('accepts the upgrade when there is no $connect route', async () => {
    const { gw } = await start([], {});
    const client = await openClient(gw.address.stageUrl);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('runs $connect during the upgrade and accepts on 2xx, with the CONNECT event of the real request', async () => {
    const { invoker, gw } = await start([{ routeKey: '$connect', functionKey: 'connect' }], { connect: () => ({ statusCode: 200 }) });
    const client = await openClient(`${gw.address.stageUrl}?token=abc&room=1&room=2`, { headers: { 'User-Agent': 'tester/1.0', 'X-Custom': 'yes' } });
    const { event } = await invoker.nextInvocation('connect');
    expect(event.requestContext.eventType).toBe('CONNECT');
    expect(event.requestContext.routeKey).toBe('$connect');
    expect(event.requestContext.stage).toBe('dev');
    expect(event.requestContext.domainName).toBe(`127.0.0.1:${gw.address.port}`);
    expect(event.requestContext.identity).toEqual({ sourceIp: '127.0.0.1', userAgent: 'tester/1.0' });
    expect(event.requestContext.requestId).toBe(event.requestContext.extendedRequestId);
    expect(event.requestContext.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(event.requestContext.apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(event.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.headers['X-Custom']).toBe('yes');
    expect(event.headers['X-Forwarded-Proto']).toBe('http');
    expect(event.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.queryStringParameters).toEqual({ token: 'abc', room: '2' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['abc'], room: ['1', '2'] });
    expect(event.isBase64Encoded).toBe(false);
    client.ws.close();
  });

  it('refuses the upgrade with the non-2xx status $connect returns, with its headers', async () => {
    const { gw } = await start([{ routeKey: '$connect', functionKey: 'connect' }], {
      connect: () => ({ statusCode: 400, headers: { 'X-Reason': 'bad-subprotocol' }, body: 'no' }),
    });
    const refused = await expectRefused(gw.address.url);
    expect(refused.status).toBe(400);
    expect(refused.headers['x-reason']).toBe('bad-subprotocol');
    expect(refused.body).toBe('no');
    const record = await gw.waitForRecord((r) => r.eventType === 'CONNECT');
    expect(record.status).toBe(400);
  });

  it('answers 502 when $connect throws', async () => {
    const { gw } = await start([{ routeKey: '$connect', functionKey: 'connect' }], {
      connect: () => {
        throw new Error('boom');
      },
    });
    expect((await expectRefused(gw.address.url)).status).toBe(502);
  });

  it('answers 502 when $connect returns no statusCode', async () => {
    const { gw } = await start([{ routeKey: '$connect', functionKey: 'connect' }], { connect: () => undefined });
    expect((await expectRefused(gw.address.url)).status).toBe(502);
  });

  it('puts the $connect response headers on the 101 and accepts a subprotocol only when $connect returns it', async () => {
    const { gw } = await start([{ routeKey: '$connect', functionKey: 'connect' }], {
      connect: (event) =>
        event.headers['Sec-WebSocket-Protocol']?.includes('chat.v2')
          ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat.v2', 'X-Session': 's1' } }
          : { statusCode: 200, headers: { 'X-Session': 's2' } },
    });
    const client = await openClient(gw.address.url, { protocols: ['chat.v1', 'chat.v2'] });
    expect(client.ws.protocol).toBe('chat.v2');
    expect(client.headers['sec-websocket-protocol']).toBe('chat.v2');
    expect(client.headers['x-session']).toBe('s1');
    await client.close();

    // No automatic echo: a client that asked for a protocol $connect did not return fails like a browser does.
    const noEcho = await new Promise<string>((resolve) => {
      const ws = new WebSocket(gw.address.url, ['other']);
      ws.on('error', (err) => resolve(err.message));
      ws.on('open', () => resolve('opened'));
    });
    expect(noEcho).toBe('Server sent no subprotocol');
  });

  it('answers 410 to @connections for a connection still in $connect, and routes nothing before $connect finished', async () => {
    let statusDuringConnect = 0;
    const { gw } = await start(
      [
        { routeKey: '$connect', functionKey: 'connect' },
        { routeKey: '$default', functionKey: 'echo', routeResponse: true },
      ],
      {
        connect: async (event) => {
          const id = encodeURIComponent(event.requestContext.connectionId);
          const res = await fetch(`http://${event.requestContext.domainName}/${event.requestContext.stage}/@connections/${id}`, { method: 'POST', body: 'early' });
          statusDuringConnect = res.status;
          return { statusCode: 200 };
        },
        echo: (event) => ({ statusCode: 200, body: `echo:${event.body}` }),
      },
    );
    const client = await openClient(gw.address.url);
    expect(statusDuringConnect).toBe(410);
    client.ws.send('first');
    expect(await client.nextMessage()).toBe('echo:first');
    client.ws.close();
  });

  it('refuses upgrades on paths other than / and /{stage} with 403', async () => {
    const { gw } = await start([], {});
    expect((await expectRefused(`${gw.address.url}/prod`)).status).toBe(403);
  });
});

describe('$disconnect (spec §3.3)', () => {
  const routes: RouteSpec[] = [
    { routeKey: '$connect', functionKey: 'connect' },
    { routeKey: '$disconnect', functionKey: 'disconnect' },
  ];
  const handlers = { connect: () => ({ statusCode: 200 }), disconnect: () => ({ statusCode: 200 }) };

  it('runs after a close without status as 1005 "Client-side close frame status not set"', async () => {
    const { invoker, gw } = await start(routes, handlers);
    const client = await openClient(gw.address.url);
    const connect = await invoker.nextInvocation('connect');
    client.ws.close();
    const { event } = await invoker.nextInvocation('disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1005);
    expect(event.requestContext.disconnectReason).toBe('Client-side close frame status not set');
    expect(event.requestContext.connectionId).toBe(connect.event.requestContext.connectionId);
    expect(event.requestContext.connectedAt).toBe(connect.event.requestContext.connectedAt);
    expect(event.headers).toEqual({ Host: `127.0.0.1:${gw.address.port}`, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' });
  });

  it('passes the client close code and reason through', async () => {
    const { invoker, gw } = await start(routes, handlers);
    const client = await openClient(gw.address.url);
    client.ws.close(4001, 'bye now');
    const { event } = await invoker.nextInvocation('disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(4001);
    expect(event.requestContext.disconnectReason).toBe('bye now');
  });

  it('closes a connection that sends a binary frame with 1003', async () => {
    const { invoker, gw } = await start(routes, handlers);
    const client = await openClient(gw.address.url);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.closed).code).toBe(1003);
    const { event } = await invoker.nextInvocation('disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1003);
  });

  it('closes open connections with 1001 "Going away" on close() and runs $disconnect for each', async () => {
    const { invoker, gw } = await start(routes, handlers);
    const a = await openClient(gw.address.url);
    const b = await openClient(gw.address.stageUrl);
    await gw.close();
    expect(await a.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(await b.closed).toEqual({ code: 1001, reason: 'Going away' });
    const disconnects = invoker.invocations.filter((i) => i.functionKey === 'disconnect');
    expect(disconnects).toHaveLength(2);
    expect(disconnects.map((d) => d.event.requestContext.disconnectStatusCode)).toEqual([1001, 1001]);
    expect(disconnects.map((d) => d.event.requestContext.disconnectReason)).toEqual(['Going away', 'Going away']);
  });
});

describe('stage override', () => {
  it('serves the overriding stage in URLs, events and @connections paths', async () => {
    const invoker = createTestInvoker({ connect: () => ({ statusCode: 200 }) });
    running = await startGateway(buildModel([{ routeKey: '$connect', functionKey: 'connect' }]), { invoker, tls: false, stage: 'prod' });
    expect(running.address.stageUrl).toBe(`ws://127.0.0.1:${running.address.port}/prod`);
    expect(running.address.connectionsUrl).toBe(`http://127.0.0.1:${running.address.port}/prod/@connections`);
    const client = await openClient(running.address.stageUrl);
    const { event } = await invoker.nextInvocation('connect');
    expect(event.requestContext.stage).toBe('prod');
    const id = encodeURIComponent(event.requestContext.connectionId);
    expect((await fetch(`${running.address.connectionsUrl}/${id}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${running.address.port}/dev/@connections/${id}`)).status).toBe(403);
    client.ws.close();
  });
});

describe('TLS on the same port', () => {
  it('serves ws:// and wss:// with a certificate for 127.0.0.1', async () => {
    const { gw, invoker } = await start([{ routeKey: '$connect', functionKey: 'connect' }], { connect: () => ({ statusCode: 200 }) }, { tls: true });
    const { readFileSync } = await import('node:fs');
    const ca = readFileSync(gw.gateway.certificateFile!, 'utf8');
    const secure = await openClient(`wss://127.0.0.1:${gw.address.port}/dev`, { ca });
    const { event } = await invoker.nextInvocation('connect');
    expect(event.headers['X-Forwarded-Proto']).toBe('https');
    const plain = await openClient(gw.address.stageUrl);
    secure.ws.close();
    plain.ws.close();
  });
});
