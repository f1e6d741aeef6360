import { connect as connectTcp, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import AWS from 'aws-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../../src/gateway/create-gateway.js';
import { runCli } from '../support/child-cli.js';
import { startEchoGateway, type EchoGateway } from '../support/echo-gateway.js';
import type { TestInvoker } from '../support/test-invoker.js';
import { openClient } from '../support/ws-client.js';

// AWS quotas (spec §6): frame 32 KB, message 128 KB, binary frames 1003, idle 10 min, duration 2 h,
// @connections payload 131072 bytes, a full client buffer answers LimitExceededException.
const KB = 1024;
const credentials = { accessKeyId: 'AKIDLIMITS', secretAccessKey: 'limits-secret' };

let gw: EchoGateway | undefined;
let invoker: TestInvoker;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** $connect, an echoing `$default` with a route response, `silent` without one, and $disconnect. */
async function startLimitsGateway(options: GatewayOptions = {}): Promise<EchoGateway> {
  gw = await startEchoGateway(
    { tls: false, ...options },
    {
      routes: [
        { routeKey: 'silent', functionKey: 'silent' },
        { routeKey: '$disconnect', functionKey: 'bye' },
      ],
      handlers: { silent: () => ({ statusCode: 200 }), bye: () => ({}) },
    },
  );
  invoker = gw.invoker;
  return gw;
}

const connect = () => gw!.connect();
const expectHealthy = () => gw!.expectHealthy();

/**
 * With a limit of a few milliseconds a new connection may expire before the client can use it, so health is:
 * the next connection opens, runs `$connect`, and the sweep closes it in turn.
 */
async function expectStillSweeping(): Promise<void> {
  const { client } = await connect();
  expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
}

async function disconnectOf(connectionId: string) {
  const record = await gw!.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === connectionId);
  return { code: record.disconnectStatusCode, reason: record.disconnectReason };
}

const echoed = () => invoker.invocations.filter((i) => i.functionKey === 'echo');

/**
 * Time limits are checked from before the upgrade request: the gateway starts a connection's clock after it,
 * so at least the whole limit elapses however late the client sees the 101. The slack only absorbs the
 * rounding of a scaled clock.
 */
const CLOCK_SLACK_MS = 0.5;

describe('frame and message size (32 KB frames, 128 KB messages)', () => {
  it('closes with 1009 on one frame over 32 KB, without routing it, and runs $disconnect with 1009', async () => {
    await startLimitsGateway();
    const { client, connectionId } = await connect();
    client.ws.send('a'.repeat(32 * KB + 1));
    expect(await client.closed).toEqual({ code: 1009, reason: '' });
    expect(await disconnectOf(connectionId)).toEqual({ code: 1009, reason: '' });
    expect(echoed()).toHaveLength(0);
    await expectHealthy();
  });

  it('routes a frame of exactly 32 KB', async () => {
    await startLimitsGateway();
    const { client } = await connect();
    const text = 'b'.repeat(32 * KB);
    client.ws.send(text);
    expect(await client.nextMessage()).toBe(text);
    client.ws.close();
  });

  it('routes a 100 KB message sent as four 25 KB frames', async () => {
    await startLimitsGateway();
    const { client } = await connect();
    const part = 'c'.repeat(25 * KB);
    client.ws.send(part, { fin: false });
    client.ws.send(part, { fin: false });
    client.ws.send(part, { fin: false });
    client.ws.send(part, { fin: true });
    expect(await client.nextMessage()).toBe(part.repeat(4));
    client.ws.close();
  });

  it('closes with 1009 on a message over 128 KB even when every frame is small', async () => {
    await startLimitsGateway();
    const { client, connectionId } = await connect();
    const part = 'd'.repeat(26 * KB);
    for (let i = 0; i < 4; i++) client.ws.send(part, { fin: false });
    client.ws.send(part, { fin: true }); // 130 KB in all
    expect((await client.closed).code).toBe(1009);
    expect((await disconnectOf(connectionId)).code).toBe(1009);
    expect(echoed()).toHaveLength(0);
    await expectHealthy();
  });

  it('closes with 1003 on a binary frame', async () => {
    await startLimitsGateway();
    const { client, connectionId } = await connect();
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.closed).toEqual({ code: 1003, reason: '' });
    expect(await disconnectOf(connectionId)).toEqual({ code: 1003, reason: '' });
    expect(echoed()).toHaveLength(0);
    await expectHealthy();
  });

  it('lets a larger frame through when maxFrameBytes is raised', async () => {
    await startLimitsGateway({ limits: { maxFrameBytes: 128 * KB } });
    const { client } = await connect();
    const text = 'e'.repeat(100 * KB);
    client.ws.send(text);
    expect(await client.nextMessage()).toBe(text);
    client.ws.close();
  });
});

describe('idle timeout (10 min) and maximum duration (2 h), with the fast clock', () => {
  it('closes an idle connection with 1001 Going away after 10 (scaled) minutes and runs $disconnect', async () => {
    // 60000× faster: AWS's 10 minutes take 10 ms. The duration limit is off so that only idleness applies.
    await startLimitsGateway({ timeScale: 60_000, limits: { maxConnectionMs: 0 } });
    const requested = performance.now();
    const { client, connectionId } = await connect();
    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(performance.now() - requested).toBeGreaterThanOrEqual(10 - CLOCK_SLACK_MS);
    expect(await disconnectOf(connectionId)).toEqual({ code: 1001, reason: 'Going away' });
    await expectStillSweeping();
  });

  it('counts messages from the client as activity', async () => {
    // 600× faster: 10 minutes take 1 s. Messages every 100 ms for 2.2 s keep the connection open.
    await startLimitsGateway({ timeScale: 600 });
    const { client } = await connect();
    const lastSent = await sendEvery(100, 2200, () => client.ws.send('{"action":"silent"}'));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect((await client.closed).code).toBe(1001);
    // The sweep runs every 50 ms at this scale: the close comes within that of 1 s after the last message.
    expect(performance.now() - lastSent).toBeGreaterThanOrEqual(900);
  });

  it('counts @connections posts to the client as activity', async () => {
    await startLimitsGateway({ timeScale: 600 });
    const { client, connectionId } = await connect();
    const api = v3();
    await sendEvery(100, 2200, () => api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('tick') })));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect((await client.closed).code).toBe(1001);
  });

  it('does not count ping frames (only data messages keep a connection alive)', async () => {
    // 3000× faster: 10 minutes take 200 ms; the client pings every 20 ms and is closed all the same.
    await startLimitsGateway({ timeScale: 3000, limits: { maxConnectionMs: 0 } });
    const requested = performance.now();
    const { client } = await connect();
    const pinger = setInterval(() => client.ws.readyState === client.ws.OPEN && client.ws.ping(), 20);
    const closed = await client.closed;
    clearInterval(pinger);
    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(performance.now() - requested).toBeGreaterThanOrEqual(200 - CLOCK_SLACK_MS);
  });

  it('closes a busy connection after 2 (scaled) hours with 1001 Going away', async () => {
    // 36000× faster: 2 hours take 200 ms. The idle limit is off so that only the duration applies.
    await startLimitsGateway({ timeScale: 36_000, limits: { idleTimeoutMs: 0 } });
    const requested = performance.now();
    const { client, connectionId } = await connect();
    const sender = setInterval(() => client.ws.readyState === client.ws.OPEN && client.ws.send('{"action":"silent"}'), 10);
    const closed = await client.closed;
    clearInterval(sender);
    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(performance.now() - requested).toBeGreaterThanOrEqual(200 - CLOCK_SLACK_MS);
    expect(await disconnectOf(connectionId)).toEqual({ code: 1001, reason: 'Going away' });
    await expectHealthy();
  });

  it('keeps connections open forever with both time limits off', async () => {
    await startLimitsGateway({ timeScale: 1_000_000, limits: { idleTimeoutMs: 0, maxConnectionMs: 0 } });
    const { client } = await connect();
    // At this scale 50 ms are 14 hours: well past both limits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.ws.send('still open');
    expect(await client.nextMessage()).toBe('still open');
    client.ws.close();
  });
});

describe('wsgate dev time-limit flags', () => {
  it('--idle-timeout 0.3 closes an idle connection with 1001 after 300 ms and logs its $disconnect', async () => {
    const config = new URL('../fixtures/services/hardening-limits-runtime/serverless.yml', import.meta.url).pathname;
    const cli = runCli(['dev', '--config', config, '--port', '0', '--no-watch', '--idle-timeout', '0.3', '--max-duration', '0']);
    try {
      const line = await cli.waitForLine(/WebSocket:/);
      const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
      const requested = performance.now();
      const client = await openClient(`ws://127.0.0.1:${port}/dev`);
      expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
      expect(performance.now() - requested).toBeGreaterThanOrEqual(300 - CLOCK_SLACK_MS);
      expect(await cli.waitForLine(/DISCONNECT/)).toContain('1001');
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });
});

describe('@connections payload and client buffer limits', () => {
  it('answers 413 PayloadTooLargeException over 131072 bytes (SDK v3 and v2) and delivers exactly 131072', async () => {
    await startLimitsGateway();
    const { client, connectionId } = await connect();
    const tooBig = new Uint8Array(131073).fill(0x61);
    const v3Error = await v3()
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: tooBig }))
      .catch((err: unknown) => err);
    expect(v3Error).toMatchObject({ name: 'PayloadTooLargeException', $metadata: { httpStatusCode: 413 } });
    const v2Error = await v2()
      .postToConnection({ ConnectionId: connectionId, Data: Buffer.from(tooBig) })
      .promise()
      .catch((err: unknown) => err);
    expect(v2Error).toMatchObject({ code: 'PayloadTooLargeException', statusCode: 413 });

    const exact = 'f'.repeat(131072);
    await v3().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(exact) }));
    expect(await client.nextMessage()).toBe(exact);
    client.ws.send('after');
    expect(await client.nextMessage()).toBe('after');
    client.ws.close();
  });

  it('answers 429 LimitExceededException while a client does not read, and delivers every accepted post once it reads', async () => {
    await startLimitsGateway();
    const raw = await openRawWebSocket(gw!.address.port);
    const { event } = await invoker.nextInvocation('connect');
    const connectionId: string = event.requestContext.connectionId;
    raw.socket.pause();

    const payload = Buffer.alloc(131072, 0x67);
    const api = v3({ maxAttempts: 1 });
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 2000 && !refusal; i++) {
      try {
        await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: payload }));
        accepted++;
      } catch (err) {
        refusal = err;
      }
    }
    expect(refusal).toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } });
    const v2Error = await v2({ maxRetries: 0 })
      .postToConnection({ ConnectionId: connectionId, Data: payload })
      .promise()
      .catch((err: unknown) => err);
    expect(v2Error).toMatchObject({ code: 'LimitExceededException', statusCode: 429 });
    // Bounded: the gateway stopped accepting after about 1 MiB beyond what the kernel holds.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(2000);
    await expectHealthy();

    // Every accepted post arrives: a server frame of 131072 bytes has a 10-byte header.
    const expected = accepted * (131072 + 10);
    const received = await raw.readBytes(expected);
    expect(received).toBe(expected);
    raw.socket.destroy();
  });
});

function v3(extra: { maxAttempts?: number } = {}) {
  return new ApiGatewayManagementApiClient({ endpoint: gw!.address.managementEndpoint, region: 'us-east-1', credentials, ...extra });
}

function v2(extra: { maxRetries?: number } = {}) {
  return new AWS.ApiGatewayManagementApi({
    endpoint: gw!.address.managementEndpoint,
    region: 'us-east-1',
    credentials: new AWS.Credentials(credentials),
    ...extra,
  });
}

/** Runs `action` every `everyMs` for `forMs`, waiting for each (a traffic pattern, not synchronisation); resolves with when the last one ran. */
async function sendEvery(everyMs: number, forMs: number, action: () => unknown): Promise<number> {
  const until = performance.now() + forMs;
  let last = performance.now();
  for (;;) {
    await action();
    last = performance.now();
    if (last + everyMs >= until) return last;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * A WebSocket client on a plain TCP socket, so the test can stop reading (pause the socket) like a stalled
 * client; `readBytes` resumes and counts frame bytes until `total` arrived.
 */
function openRawWebSocket(port: number): Promise<{ socket: Socket; readBytes(total: number): Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    let head = Buffer.alloc(0);
    let body = 0;
    let want = Infinity;
    let reached: ((n: number) => void) | undefined;
    const onData = (chunk: Buffer) => {
      if (head !== undefined && want === Infinity && !head.includes('\r\n\r\n')) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) return reject(new Error(head.toString()));
        body += head.length - end - 4;
        want = -1;
        resolve({
          socket,
          readBytes(total) {
            want = total;
            return new Promise((done) => {
              reached = done;
              check();
              socket.resume();
            });
          },
        });
        return;
      }
      body += chunk.length;
      check();
    };
    const check = () => {
      if (reached && body >= want) reached(body);
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(
      `GET /dev HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
    );
  });
}
