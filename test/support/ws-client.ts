import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';

type Frame = { data: Buffer; isBinary: boolean };

/** A `ws` client with promise helpers that wait on events (never on time). */
export interface TestClient {
  ws: WebSocket;
  /** Headers of the 101 response (with those `$connect` returned). */
  headers: IncomingHttpHeaders;
  /** Resolves with the next text frame (frames are buffered until asked for). */
  nextMessage(): Promise<string>;
  nextFrame(): Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  /** Sends a close frame and resolves once the connection is closed. */
  close(code?: number, reason?: string): Promise<{ code: number; reason: string }>;
}

/** An upgrade the gateway refused: its status, body and headers. */
export interface RefusedUpgrade {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

export type UpgradeResult = { open: true; client: TestClient } | ({ open: false } & RefusedUpgrade);

export type TestClientOptions = ClientOptions & { protocols?: string | string[] };

/** Connects and resolves with the open client or the refused upgrade, whichever the gateway answered. */
export function tryOpenClient(url: string, options: TestClientOptions = {}): Promise<UpgradeResult> {
  const { protocols, ...rest } = options;
  const ws = new WebSocket(url, protocols ?? [], rest);
  const frames: Frame[] = [];
  const waiting: ((frame: Frame) => void)[] = [];
  ws.on('message', (data, isBinary) => {
    const frame = { data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary };
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const nextFrame = () => {
    const frame = frames.shift();
    return frame ? Promise.resolve(frame) : new Promise<Frame>((resolve) => waiting.push(resolve));
  };
  let headers: IncomingHttpHeaders = {};
  ws.once('upgrade', (res) => (headers = res.headers));
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      const close = (code?: number, reason?: string) => {
        ws.close(code, reason);
        return closed;
      };
      resolve({ open: true, client: { ws, headers, nextFrame, nextMessage: async () => (await nextFrame()).data.toString('utf8'), closed, close } });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ open: false, status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    ws.once('error', reject);
  });
}

/** Connects and resolves with the open client (rejects if the upgrade was refused). */
export async function openClient(url: string, options: TestClientOptions = {}): Promise<TestClient> {
  const result = await tryOpenClient(url, options);
  if (!result.open) throw new Error(`Unexpected server response: ${result.status} ${result.body}`);
  return result.client;
}

/** Tries to connect and resolves with the HTTP status of a refused upgrade (rejects if it was accepted). */
export async function expectRefused(url: string, options: TestClientOptions = {}): Promise<RefusedUpgrade> {
  const result = await tryOpenClient(url, options);
  if (result.open) {
    result.client.ws.close();
    throw new Error('the upgrade was accepted');
  }
  return { status: result.status, body: result.body, headers: result.headers };
}
