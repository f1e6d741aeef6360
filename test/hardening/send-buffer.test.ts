import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatRequestLine } from '../../src/gateway/dev-log.js';
import { AWS_LIMITS } from '../../src/gateway/limits.js';
import type { RequestRecord } from '../../src/gateway/logs/request-record.js';
import { startEchoGateway, type EchoGateway } from '../support/echo-gateway.js';

// The frames the gateway itself sends (route responses, error frames) obey the same send-buffer limit as
// @connections POST (1 MiB waiting for a client that does not read); a frame over it is dropped and logged.
const CAP = AWS_LIMITS.maxSendBufferBytes;
const RESPONSE_BYTES = 100 * 1024;
// More than the kernel's socket buffers can hold on loopback, so without the limit most of it would wait in the gateway.
const MESSAGES = 150;

let gw: EchoGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** Bytes the gateway holds for this client, not yet handed to the kernel: its socket's `writableLength`. */
function gatewayBufferedBytes(client: Socket): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  const server = handles.find((h): h is Socket => h instanceof Socket && h.remotePort === client.localPort && h.localPort === client.remotePort);
  if (!server) throw new Error('the gateway side of the connection was not found');
  return server.writableLength;
}

describe('a client that does not read', () => {
  it('gets no more route responses or error frames once over 1 MiB is waiting; they are dropped and logged, and the rest arrive', async () => {
    gw = await startEchoGateway(
      { tls: false },
      {
        routes: [
          { routeKey: 'big', functionKey: 'big', routeResponse: true },
          { routeKey: 'fail', functionKey: 'fail', routeResponse: true },
        ],
        handlers: {
          big: (event) => ({ statusCode: 200, body: String(JSON.parse(event.body).n).padEnd(RESPONSE_BYTES, '.') }),
          fail: () => {
            throw new Error('boom');
          },
        },
      },
    );
    const { client, connectionId } = await gw.connect();
    const socket = (client.ws as unknown as { _socket: Socket })._socket;
    socket.pause();

    const isMessage = (r: RequestRecord) => r.eventType === 'MESSAGE' && r.connectionId === connectionId;
    for (let n = 0; n < MESSAGES; n++) client.ws.send(JSON.stringify({ action: 'big', n }));
    await gw.waitForRecord((r) => gw!.records.filter(isMessage).length === MESSAGES);
    const buffered = gatewayBufferedBytes(socket);
    // A frame is queued only while at most CAP bytes wait, so at most one frame more than the cap.
    expect(buffered).toBeLessThanOrEqual(CAP + RESPONSE_BYTES + 10);

    const dropped = gw.records.filter((r) => isMessage(r) && r.droppedFrame);
    expect(dropped.length).toBeGreaterThan(0);
    for (const record of dropped) expect(record.droppedFrame!.bufferedBytes).toBeGreaterThan(CAP);
    expect(formatRequestLine(dropped[0]!)).toMatch(/ 200 ok, frame dropped: the client is not reading \(\d+ bytes waiting\) → big /);

    // Error frames obey the same limit.
    client.ws.send(JSON.stringify({ action: 'fail' }));
    const failed = await gw.waitForRecord((r) => isMessage(r) && r.routeKey === 'fail');
    expect(failed.droppedFrame).toBeDefined();
    expect(formatRequestLine(failed)).toContain('500 Internal server error (Error: boom), frame dropped: the client is not reading');

    // Once it reads again, every frame that was queued arrives, in order, then new ones.
    socket.resume();
    const delivered = MESSAGES - dropped.length;
    const received: number[] = [];
    for (let i = 0; i < delivered; i++) received.push(Number.parseInt(await client.nextMessage(), 10));
    const sentNumbers = gw.records.filter((r) => isMessage(r) && r.routeKey === 'big' && !r.droppedFrame).map((r) => Number.parseInt(r.responseBody!, 10));
    expect(received).toEqual(sentNumbers);
    client.ws.send('after');
    expect(await client.nextMessage()).toBe('after');
    client.ws.close();
    await gw.expectHealthy();
  });
});
