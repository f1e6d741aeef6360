import WebSocket from 'ws';
import type { Invoker, InvokeOptions } from '../../src/runtime/invoker.js';
import type { RequestObserver, RequestRecord } from '../../src/gateway/logs/request-record.js';
import { createWaitableList } from '../support/waitable-list.js';

export type ConnectResult =
  | { open: true; ws: WebSocket; headers: Record<string, string | string[] | undefined> }
  | { open: false; status: number; body: string };

/** Opens a real WebSocket client and reports either the open socket or the refused handshake. */
export function connectClient(url: string, headers: Record<string, string> = {}): Promise<ConnectResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    ws.on('upgrade', (res) => {
      responseHeaders = res.headers;
    });
    ws.on('open', () => resolve({ open: true, ws, headers: responseHeaders }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ open: false, status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    ws.on('error', reject);
  });
}

export function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(String(data))));
}

export function closeClient(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close(1000, 'bye');
  });
}

/** Wraps a real invoker to see which functions ran and with which events. */
export function recordInvocations(real: Invoker): Invoker & { calls: Array<{ functionKey: string; event: any }> } {
  const calls: Array<{ functionKey: string; event: any }> = [];
  return {
    calls,
    invoke(functionKey: string, event: unknown, options?: InvokeOptions) {
      calls.push({ functionKey, event });
      return real.invoke(functionKey, event, options);
    },
    close: () => real.close(),
  };
}

/** Collects gateway records and lets a test wait for one. */
export function recordWatcher(): { observer: RequestObserver; records: RequestRecord[]; waitFor(match: (record: RequestRecord) => boolean): Promise<RequestRecord> } {
  const records = createWaitableList<RequestRecord>();
  return { observer: records.push, records: records.items, waitFor: records.waitFor };
}
