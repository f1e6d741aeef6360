import { WebSocket, type ClientOptions } from 'ws';

/** A `ws` client with promise helpers that wait on events (never on time). */
export interface TestClient {
  ws: WebSocket;
  /** Resolves with the next text frame (frames are buffered until asked for). */
  nextMessage(): Promise<string>;
  nextFrame(): Promise<{ data: Buffer; isBinary: boolean }>;
  closed: Promise<{ code: number; reason: string }>;
}

export function openClient(url: string, options: ClientOptions & { protocols?: string | string[] } = {}): Promise<TestClient> {
  const { protocols, ...rest } = options;
  const ws = new WebSocket(url, protocols ?? [], rest);
  const frames: { data: Buffer; isBinary: boolean }[] = [];
  const waiting: ((frame: { data: Buffer; isBinary: boolean }) => void)[] = [];
  ws.on('message', (data, isBinary) => {
    const frame = { data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary };
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const nextFrame = () => {
    const frame = frames.shift();
    return frame ? Promise.resolve(frame) : new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => waiting.push(resolve));
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, nextFrame, nextMessage: async () => (await nextFrame()).data.toString('utf8'), closed }));
    ws.once('error', reject);
  });
}

/** Tries to connect and resolves with the HTTP status of a refused upgrade (rejects if it was accepted). */
export function expectRefused(url: string, options: ClientOptions = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', reject);
  });
}
