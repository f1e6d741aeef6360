import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { buildModel } from '../support/build-model.js';
import { createTestInvoker } from '../support/test-invoker.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { WebSocket } from 'ws';
import { openClient } from '../support/ws-client.js';

let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** Sends raw bytes and resolves with everything the gateway answers before closing. */
function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the gateway never goes down', () => {
  it('answers 400 to an upgrade that is not a valid WebSocket handshake, without running $connect', async () => {
    const invoker = createTestInvoker({ connect: () => ({ statusCode: 200 }) });
    gw = await startGateway(buildModel([{ routeKey: '$connect', functionKey: 'connect' }]), { invoker, tls: false });
    const answer = await rawExchange(gw.address.port, 'GET /dev HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    expect(answer.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(invoker.invocations).toHaveLength(0);
  });

  it('survives garbage bytes and broken TLS handshakes', async () => {
    const invoker = createTestInvoker({ echo: (event) => ({ body: event.body }) });
    gw = await startGateway(buildModel([{ routeKey: '$default', functionKey: 'echo', routeResponse: true }]), { invoker });
    await rawExchange(gw.address.port, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]));
    await rawExchange(gw.address.port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]));
    await new Promise<void>((resolve) => {
      const socket = connectTls({ port: gw!.address.port, host: '127.0.0.1', rejectUnauthorized: true });
      socket.on('error', () => resolve());
      socket.on('secureConnect', () => resolve());
    });
    const client = await openClient(gw.address.url);
    client.ws.send('still here');
    expect(await client.nextMessage()).toBe('still here');
    client.ws.close();
  });

  it('turns an invoker that rejects into the Internal server error frame and a 502 handshake', async () => {
    let failConnect = false;
    const broken: Invoker = {
      async invoke(functionKey) {
        if (functionKey === 'connect' && !failConnect) return { ok: true, value: { statusCode: 200 }, durationMs: 0 };
        throw new Error('invoker bug');
      },
      async close() {},
    };
    gw = await startGateway(
      buildModel([
        { routeKey: '$connect', functionKey: 'connect' },
        { routeKey: '$default', functionKey: 'any', routeResponse: true },
        { routeKey: '$disconnect', functionKey: 'bye' },
      ]),
      { invoker: broken, tls: false },
    );
    const client = await openClient(gw.address.url);
    client.ws.send('x');
    expect(JSON.parse(await client.nextMessage()).message).toBe('Internal server error');
    client.ws.close();
    const disconnect = await gw.waitForRecord((r) => r.eventType === 'DISCONNECT');
    expect(disconnect.status).toBe(500);
    failConnect = true;
    const { expectRefused } = await import('../support/ws-client.js');
    expect((await expectRefused(gw.address.url)).status).toBe(502);
  });

  it('runs $disconnect with 1006 when a client drops without a close frame', async () => {
    const invoker = createTestInvoker({ bye: () => ({}) });
    gw = await startGateway(buildModel([{ routeKey: '$disconnect', functionKey: 'bye' }]), { invoker, tls: false });
    const client = await openClient(gw.address.url);
    client.ws.terminate();
    const { event } = await invoker.nextInvocation('bye');
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
  });

  it('close() while $connect runs: the connection never opens and $disconnect still runs', async () => {
    let release!: () => void;
    let connectStarted!: () => void;
    const connectRunning = new Promise<void>((resolve) => (connectStarted = resolve));
    const invoker = createTestInvoker({
      connect: () => {
        connectStarted();
        return new Promise((done) => (release = () => done({ statusCode: 200 })));
      },
      bye: () => ({}),
    });
    gw = await startGateway(
      buildModel([
        { routeKey: '$connect', functionKey: 'connect' },
        { routeKey: '$disconnect', functionKey: 'bye' },
      ]),
      { invoker, tls: false },
    );
    const attempt = new Promise<string>((settle) => {
      const ws = new WebSocket(gw!.address.url);
      ws.on('open', () => settle('opened'));
      ws.on('error', () => settle('failed'));
    });
    await connectRunning;
    const closed = gw.close();
    release();
    await closed;
    expect(await attempt).toBe('failed');
    expect((await invoker.nextInvocation('bye')).event.requestContext.disconnectStatusCode).toBe(1006);
  });
});
