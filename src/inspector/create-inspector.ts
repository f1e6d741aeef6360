import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServiceModel } from '../config/model.js';
import type { RequestObserver } from '../gateway/logs/request-record.js';
import type { ManagementObserver } from '../gateway/management-record.js';
import { writeRawResponse } from '../gateway/raw-response.js';
import type { Invoker } from '../runtime/invoker.js';
import type { HandlerLogEntry } from '../runtime/node-invoker.js';
import { createFaultInvoker, type FaultInvoker, type FaultKind } from './fault-invoker.js';
import { DEFAULT_INSPECTOR_LIMITS, InspectorState, type ConnectionSummary, type InspectorEvent, type InspectorLimits } from './inspector-state.js';
import { isLoopbackAddress, isLoopbackHost, isSameOrigin } from './is-loopback.js';

/** A connection's moving counters, compact (1,000 busy connections move every push): id, frames in, out, last active, dropped. */
type CounterRow = [string, number, number, number, number];

/** Where the page is served on the gateway's port. */
export const INSPECTOR_PATH = '/_wsgate/';
const SOCKET_PATH = '/_wsgate/socket';

/** What the page's buttons do, supplied by the gateway (the same as `@connections` POST and DELETE). */
export interface InspectorActions {
  /** Sends a text frame; the failure's reason when it could not (gone, not reading). */
  send(connectionId: string, message: string): string | undefined;
  disconnect(connectionId: string): string | undefined;
}

export interface InspectorOptions {
  limits?: Partial<InspectorLimits>;
}

export interface Inspector {
  observer: RequestObserver;
  onManagementRequest: ManagementObserver;
  onHandlerLog(entry: HandlerLogEntry): void;
  /** Wraps the gateway's invoker: invocation results, running invocations, injected faults. */
  wrapInvoker(invoker: Invoker): Invoker;
  /** Answers a request to `/_wsgate…`. */
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  setActions(actions: InspectorActions): void;
  close(): void;
}

/** How often events are pushed to the pages, and how often the instances are counted while a page is open, ms. */
const FLUSH_MS = 200;
const INSTANCES_MS = 1000;
/** A page that does not read this much is skipped and sent a fresh snapshot once it catches up. */
const PAGE_BUFFER_LIMIT = 4 * 1024 * 1024;

const ASSETS = new URL('../../assets/inspector/', import.meta.url);
const FILES: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'inspector.js': { file: 'inspector.js', type: 'text/javascript; charset=utf-8' },
  'inspector.css': { file: 'inspector.css', type: 'text/css; charset=utf-8' },
};

/** Whether a request path is the inspector's (only then does the gateway hand it over). */
export function isInspectorPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/_wsgate' || url.startsWith('/_wsgate/') || url.startsWith('/_wsgate?'));
}

/**
 * The inspector: a page on the gateway's own port for loopback clients only, live through its own WebSocket
 * (same origin only), showing connections, timelines, functions and `@connections` calls, and acting on them.
 */
export function createInspector(model: ServiceModel, options: InspectorOptions = {}): Inspector {
  const limits = { ...DEFAULT_INSPECTOR_LIMITS, ...options.limits };
  const files = new Map(Object.entries(FILES).map(([name, { file, type }]) => [name, { body: readFileSync(new URL(file, ASSETS)), type }]));
  const pages = new Set<WebSocket>();
  const stale = new WeakSet<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  const state = new InspectorState(model, limits, (event) => emit(event), (functionKey) => faults?.running(functionKey) ?? []);
  /**
   * What waits for the next push: each connection opened or closed once (as it is then), the counters of the
   * others that moved, calls, entries by connection.
   */
  let changed = new Map<string, ConnectionSummary>();
  let active = new Map<string, ConnectionSummary>();
  let calls: InspectorEvent[] = [];
  let entries = new Map<string, InspectorEvent[]>();
  /** The connection whose timeline each page shows; only those timelines are pushed (1,000 busy connections would swamp a page). */
  const selections = new Map<WebSocket, string>();
  const shownBy = new Map<string, number>();
  let flushTimer: NodeJS.Timeout | undefined;
  let instancesTimer: NodeJS.Timeout | undefined;
  let lastFunctions = '';
  let faults: FaultInvoker | undefined;
  let actions: InspectorActions | undefined;

  const send = (page: WebSocket, message: unknown) => page.send(JSON.stringify(message));
  const snapshotMessage = () => ({ type: 'snapshot', ...state.snapshot(), functionState: functionState() });
  const functionState = () => ({ instances: faults?.describe?.() ?? [], faults: faults?.faults() ?? [] });
  const sendTimeline = (page: WebSocket, connectionId: string) => send(page, { type: 'timeline', connectionId, ...state.timelineOf(connectionId) });

  const select = (page: WebSocket, connectionId: string | undefined) => {
    const before = selections.get(page);
    if (before !== undefined) {
      const left = (shownBy.get(before) ?? 1) - 1;
      if (left > 0) shownBy.set(before, left);
      else shownBy.delete(before);
    }
    if (connectionId === undefined) return void selections.delete(page);
    selections.set(page, connectionId);
    shownBy.set(connectionId, (shownBy.get(connectionId) ?? 0) + 1);
  };

  const flush = () => {
    flushTimer = undefined;
    if (changed.size === 0 && active.size === 0 && calls.length === 0 && entries.size === 0) return;
    const common: unknown[] = [...changed.values()].map((connection) => ({ type: 'connection', connection }));
    const counters: CounterRow[] = [];
    for (const [connectionId, c] of active) if (!changed.has(connectionId)) counters.push([connectionId, c.framesIn, c.framesOut, c.lastActive, c.dropped]);
    if (counters.length > 0) common.push({ type: 'counters', rows: counters });
    common.push(...calls);
    const byConnection = entries;
    changed = new Map();
    active = new Map();
    calls = [];
    entries = new Map();
    for (const page of pages) {
      if (page.bufferedAmount > PAGE_BUFFER_LIMIT) {
        stale.add(page);
        continue;
      }
      const shown = selections.get(page);
      if (stale.has(page)) {
        stale.delete(page);
        send(page, snapshotMessage());
        if (shown !== undefined) sendTimeline(page, shown);
        continue;
      }
      const own = shown === undefined ? undefined : byConnection.get(shown);
      const events = own ? common.concat(own) : common;
      if (events.length > 0) send(page, { type: 'events', events });
    }
  };
  const emit = (event: InspectorEvent) => {
    if (pages.size === 0) return;
    if (event.type === 'connection') changed.set(event.connection.connectionId, event.connection);
    else if (event.type === 'activity') active.set(event.connection.connectionId, event.connection);
    else if (event.type === 'management') calls.push(event);
    else if (shownBy.has(event.connectionId)) {
      const list = entries.get(event.connectionId);
      if (list) list.push(event);
      else entries.set(event.connectionId, [event]);
    } else return;
    flushTimer ??= setTimeout(flush, FLUSH_MS);
  };
  const pushFunctions = (force = false) => {
    const current = JSON.stringify({ type: 'functions', ...functionState() });
    if (!force && current === lastFunctions) return;
    lastFunctions = current;
    for (const page of pages) page.send(current);
  };

  const act = (page: WebSocket, message: { type?: unknown; connectionId?: unknown; message?: unknown; functionKey?: unknown; kind?: unknown; count?: unknown }) => {
    const reply = (ok: boolean, text: string) => send(page, { type: 'result', ok, text });
    if (message.type === 'select') {
      const connectionId = typeof message.connectionId === 'string' ? message.connectionId : undefined;
      select(page, connectionId);
      if (connectionId !== undefined) sendTimeline(page, connectionId);
      return;
    }
    if (message.type === 'send' && typeof message.connectionId === 'string' && typeof message.message === 'string') {
      const failure = actions ? actions.send(message.connectionId, message.message) : 'the gateway is not running';
      if (!failure) state.noteSent(message.connectionId, message.message);
      return reply(!failure, failure ? `Not sent: ${failure}` : `Sent to ${message.connectionId}`);
    }
    if (message.type === 'disconnect' && typeof message.connectionId === 'string') {
      const failure = actions ? actions.disconnect(message.connectionId) : 'the gateway is not running';
      if (!failure) state.note(message.connectionId, 'disconnected from the inspector');
      return reply(!failure, failure ? `Not disconnected: ${failure}` : `Disconnecting ${message.connectionId}`);
    }
    if (message.type === 'fault' && typeof message.functionKey === 'string' && ['error', 'timeout', 'cold-start'].includes(String(message.kind))) {
      if (!model.functions.has(message.functionKey)) return reply(false, `No function ${message.functionKey}`);
      const count = typeof message.count === 'number' && Number.isFinite(message.count) ? Math.max(0, Math.min(1000, message.count)) : 1;
      faults?.inject(message.functionKey, message.kind as FaultKind, count);
      pushFunctions(true);
      return reply(true, count > 0 ? `${message.kind} armed for the next ${count} invocation(s) of ${message.functionKey}` : `Faults of ${message.functionKey} cleared`);
    }
    reply(false, 'Unknown action');
  };

  const refuse = (status: number, message: string) => ({ status, body: JSON.stringify({ message }) });
  /** Loopback peers asking by a loopback name only (see docs/inspector.md). */
  const admission = (req: IncomingMessage) => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) return refuse(403, 'Forbidden: the inspector answers only clients on this machine (loopback)');
    if (!isLoopbackHost(req.headers.host)) return refuse(403, 'Forbidden: open the inspector as http://127.0.0.1:<port>/_wsgate/ or http://localhost:<port>/_wsgate/');
    return undefined;
  };

  return {
    observer: (record) => state.onRecord(record),
    onManagementRequest: (record) => state.onManagement(record),
    onHandlerLog: (entry) => state.onHandlerLog(entry),
    wrapInvoker(invoker) {
      faults = createFaultInvoker(invoker, (report) => state.onInvocation(report), Date.now, (start) => state.onInvocationStart(start));
      return faults;
    },
    setActions(given) {
      actions = given;
    },
    handleRequest(req, res) {
      const refused = admission(req);
      if (refused) {
        res.writeHead(refused.status, { 'Content-Type': 'application/json' }).end(refused.body);
        return;
      }
      const pathname = (req.url ?? '').split('?')[0]!;
      if (pathname === '/_wsgate') {
        res.writeHead(308, { Location: INSPECTOR_PATH }).end();
        return;
      }
      const file = files.get(pathname.slice(INSPECTOR_PATH.length));
      if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      res.writeHead(200, {
        'Content-Type': file.type,
        'Content-Length': file.body.length,
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    },
    handleUpgrade(req, socket, head) {
      const refused = admission(req) ?? (isSameOrigin(req.headers.origin, req.headers.host) ? undefined : refuse(403, 'Forbidden: cross-origin'));
      if (refused || (req.url ?? '').split('?')[0] !== SOCKET_PATH) {
        writeRawResponse(socket, refused?.status ?? 404, refused?.body ?? '{"message":"Not Found"}');
        return;
      }
      wss.handleUpgrade(req, socket, head, (page) => {
        pages.add(page);
        page.on('close', () => {
          pages.delete(page);
          select(page, undefined);
          if (pages.size === 0) {
            clearInterval(instancesTimer);
            instancesTimer = undefined;
            changed = new Map();
            active = new Map();
            calls = [];
            entries = new Map();
          }
        });
        page.on('message', (data) => {
          try {
            act(page, JSON.parse(data.toString()));
          } catch {
            send(page, { type: 'result', ok: false, text: 'Unreadable action' });
          }
        });
        send(page, snapshotMessage());
        instancesTimer ??= setInterval(() => pushFunctions(), INSTANCES_MS);
        instancesTimer.unref();
      });
    },
    close() {
      clearTimeout(flushTimer);
      clearInterval(instancesTimer);
      for (const page of pages) page.terminate();
    },
  };
}
