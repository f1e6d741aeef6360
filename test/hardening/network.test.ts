import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../../src/gateway/create-gateway.js';
import { startEchoGateway, type EchoGateway } from '../support/echo-gateway.js';
import type { TestInvoker } from '../support/test-invoker.js';
import { expectRefused, openClient } from '../support/ws-client.js';

// Bad input from the network (issue point 3): the client gets a precise answer and the gateway keeps serving.
let gw: EchoGateway | undefined;
let invoker: TestInvoker;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** The echo gateway with `$disconnect`; `$connect` takes `connectDelayMs` to answer (a slow handler, not a wait). */
async function startNetworkGateway(options: GatewayOptions = {}, connectDelayMs = 0): Promise<EchoGateway> {
  gw = await startEchoGateway(options, {
    routes: [{ routeKey: '$disconnect', functionKey: 'bye' }],
    handlers: {
      connect: async () => {
        if (connectDelayMs) await new Promise((resolve) => setTimeout(resolve, connectDelayMs));
        return { statusCode: 200 };
      },
      bye: () => ({}),
    },
  });
  invoker = gw.invoker;
  return gw;
}

const expectHealthy = () => gw!.expectHealthy();

/** Writes bytes (in pieces when given several) and resolves with all the gateway answered once the socket closes. */
function rawExchange(bytes: string | Buffer, options: { end?: boolean } = {}): Promise<{ answer: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket: Socket = connectTcp(gw!.address.port, '127.0.0.1', () => {
      if (options.end === false) socket.write(bytes);
      else socket.end(bytes);
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve({ answer, elapsedMs: performance.now() - started }));
    socket.on('error', reject);
  });
}

const upgrade = (path: string, headers: string[] = []) =>
  [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    ...headers,
    '',
    '',
  ].join('\r\n');

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);

describe('frames the gateway refuses', () => {
  it('closes with 1007 on a text frame that is not UTF-8, without routing it', async () => {
    await startNetworkGateway({ tls: false });
    const client = await openClient(gw!.address.stageUrl);
    const { event } = await invoker.nextInvocation('connect');
    client.ws.send(Buffer.from([0x68, 0x69, 0xc3, 0x28]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    const disconnect = await gw!.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === event.requestContext.connectionId);
    expect(disconnect.disconnectStatusCode).toBe(1007);
    expect(invoker.invocations.filter((i) => i.functionKey === 'echo')).toHaveLength(0);
    await expectHealthy();
  });
});

describe('malformed and oversized upgrade requests', () => {
  it('answers 400 to upgrades that break the WebSocket handshake rules, without running $connect', async () => {
    await startNetworkGateway({ tls: false });
    const cases = [
      upgrade('/dev').replace('Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 99'),
      upgrade('/dev').replace(/Sec-WebSocket-Key: [^\r]+/, 'Sec-WebSocket-Key: short'),
      upgrade('/dev').replace('GET /dev', 'POST /dev'),
      upgrade('/dev').replace('Upgrade: websocket', 'Upgrade: h2c'),
    ];
    for (const request of cases) {
      const { answer } = await rawExchange(request);
      expect(statusOf(answer)).toBe(400);
    }
    expect(invoker.invocations).toHaveLength(0);
    await expectHealthy();
  });

  it('answers 400 to bytes that are not HTTP at all', async () => {
    await startNetworkGateway({ tls: false });
    const { answer } = await rawExchange('HELLO THERE\r\n\r\n');
    expect(statusOf(answer)).toBe(400);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'Bad Request' });
    await expectHealthy();
  });

  it('answers 431 to upgrade headers over 16 KB', async () => {
    await startNetworkGateway({ tls: false });
    const { answer } = await rawExchange(upgrade('/dev', [`X-Padding: ${'p'.repeat(20 * 1024)}`]));
    expect(statusOf(answer)).toBe(431);
    expect(invoker.invocations).toHaveLength(0);
    await expectHealthy();
  });

  it('answers 414 to a WebSocket URL over 4096 characters and accepts one of exactly 4096', async () => {
    await startNetworkGateway({ tls: false });
    const longPath = (length: number) => `/dev?q=${'x'.repeat(length - '/dev?q='.length)}`;
    const { answer } = await rawExchange(upgrade(longPath(4097)));
    expect(statusOf(answer)).toBe(414);
    expect(invoker.invocations).toHaveLength(0);
    const accepted = await openClient(`ws://127.0.0.1:${gw!.address.port}${longPath(4096)}`);
    accepted.ws.send('long url');
    expect(await accepted.nextMessage()).toBe('long url');
    accepted.ws.close();
  });

  it("answers AWS's 403 Forbidden to unknown paths, for upgrades and plain requests", async () => {
    await startNetworkGateway({ tls: false });
    for (const path of ['/prod', '/dev/extra', '/favicon.ico']) {
      const refused = await expectRefused(`ws://127.0.0.1:${gw!.address.port}${path}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toBe('{"message":"Forbidden"}');
    }
    for (const path of ['/', '/dev', '/dev/nothing', '/prod/@connections/abc', '/dev/@connections/', '/dev/@connections/a/b']) {
      const res = await fetch(`http://127.0.0.1:${gw!.address.port}${path}`, { method: 'POST', body: 'x' });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      expect(await res.text()).toBe('{"message":"Forbidden"}');
    }
    expect(invoker.invocations).toHaveLength(0);
    await expectHealthy();
  });
});

describe('handshakes that never complete (slowloris)', () => {
  const handshakeTimeoutMs = 300;

  it('drops a connection that sends nothing', async () => {
    await startNetworkGateway({ limits: { handshakeTimeoutMs } });
    const { answer, elapsedMs } = await rawExchange('', { end: false });
    expect(answer).toBe('');
    expect(elapsedMs).toBeGreaterThanOrEqual(handshakeTimeoutMs - 20);
    await expectHealthy();
  });

  it('answers 408 to an upgrade request whose headers never end', async () => {
    await startNetworkGateway({ limits: { handshakeTimeoutMs } });
    const { answer, elapsedMs } = await rawExchange('GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n', { end: false });
    expect(statusOf(answer)).toBe(408);
    expect(elapsedMs).toBeGreaterThanOrEqual(handshakeTimeoutMs - 20);
    expect(invoker.invocations).toHaveLength(0);
    await expectHealthy();
  });

  it('answers 408 to headers dribbled one byte at a time', async () => {
    await startNetworkGateway({ limits: { handshakeTimeoutMs } });
    const request = upgrade('/dev');
    const result = await new Promise<{ answer: string; sent: number }>((resolve, reject) => {
      const socket = connectTcp(gw!.address.port, '127.0.0.1');
      let sent = 0;
      let answer = '';
      const dribble = setInterval(() => {
        if (sent < request.length - 4 && !socket.destroyed) socket.write(request[sent++]!);
      }, 20);
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('close', () => {
        clearInterval(dribble);
        resolve({ answer, sent });
      });
      socket.on('error', reject);
    });
    expect(statusOf(result.answer)).toBe(408);
    expect(result.sent).toBeLessThan(request.length - 4);
    expect(invoker.invocations).toHaveLength(0);
    await expectHealthy();
  });

  it('answers 408 to an @connections POST whose body stalls', async () => {
    await startNetworkGateway({ limits: { handshakeTimeoutMs } });
    const { answer, elapsedMs } = await rawExchange('POST /dev/@connections/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly ten b', {
      end: false,
    });
    expect(statusOf(answer)).toBe(408);
    expect(elapsedMs).toBeGreaterThanOrEqual(handshakeTimeoutMs - 20);
    await expectHealthy();
  });

  it('drops a TLS handshake that never completes', async () => {
    await startNetworkGateway({ limits: { handshakeTimeoutMs } });
    // The first bytes of a TLS record header announcing a ClientHello that never comes.
    const { elapsedMs } = await rawExchange(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), { end: false });
    expect(elapsedMs).toBeGreaterThanOrEqual(handshakeTimeoutMs - 20);
    await expectHealthy();
  });

  it('does not count a slow $connect against the handshake timeout', async () => {
    await startNetworkGateway({ limits: { handshakeTimeoutMs } }, 2 * handshakeTimeoutMs);
    await expectHealthy();
  });
});

describe('malformed @connections requests', () => {
  it('answers 410 GoneException to ids that are well-formed in the URL but name no connection', async () => {
    await startNetworkGateway({ tls: false });
    const ids = ['nope', 'AAAAAAAAAAAAAAA%3D', '%00', 'a%2Fb', encodeURIComponent('ünïcødé'), 'x'.repeat(4000), '%40connections'];
    for (const id of ids) {
      for (const method of ['POST', 'GET', 'DELETE']) {
        const res = await fetch(`${gw!.address.connectionsUrl}/${id}`, { method, ...(method === 'POST' ? { body: 'data' } : {}) });
        expect(res.status, `${method} ${id.slice(0, 20)}`).toBe(410);
        expect(res.headers.get('x-amzn-errortype')).toBe('GoneException');
      }
    }
    await expectHealthy();
  });

  it('answers 403 to an id whose percent-encoding is broken and to methods @connections does not have', async () => {
    await startNetworkGateway({ tls: false });
    const broken = await fetch(`${gw!.address.connectionsUrl}/%E0%A4%A`, { method: 'POST', body: 'x' });
    expect(broken.status).toBe(403);
    for (const method of ['PUT', 'PATCH', 'OPTIONS']) {
      const res = await fetch(`${gw!.address.connectionsUrl}/abc`, { method });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    }
    await expectHealthy();
  });

  it('answers 400 to a POST with broken chunked encoding, and survives a body cut short', async () => {
    await startNetworkGateway({ tls: false });
    const chunked = await rawExchange(
      'POST /dev/@connections/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nnot hex\r\n0\r\n\r\n',
    );
    expect(statusOf(chunked.answer)).toBe(400);
    const cut = await rawExchange('POST /dev/@connections/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nonly a little');
    expect(statusOf(cut.answer)).toBe(400);
    await expectHealthy();
  });

  it('delivers nothing to a live connection from requests addressed to another id', async () => {
    await startNetworkGateway({ tls: false });
    const client = await openClient(gw!.address.stageUrl);
    const { event } = await invoker.nextInvocation('connect');
    const id: string = event.requestContext.connectionId;
    for (const other of [`${id}x`, id.slice(0, -1), id.toLowerCase() === id ? id.toUpperCase() : id.toLowerCase(), ` ${id}`]) {
      const res = await fetch(`${gw!.address.connectionsUrl}/${encodeURIComponent(other)}`, { method: 'POST', body: 'not for you' });
      expect(res.status).toBe(410);
    }
    const res = await fetch(`${gw!.address.connectionsUrl}/${encodeURIComponent(id)}`, { method: 'POST', body: 'for you' });
    expect(res.status).toBe(200);
    expect(await client.nextMessage()).toBe('for you');
    client.ws.close();
  });
});
