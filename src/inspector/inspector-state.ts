import type { ServiceModel } from '../config/model.js';
import type { RequestRecord } from '../gateway/logs/request-record.js';
import type { ManagementRecord } from '../gateway/management-record.js';
import type { HandlerLogEntry } from '../runtime/node-invoker.js';
import type { InvocationReport, InvocationStart } from './fault-invoker.js';

/** One line of a connection's timeline on the page. */
export interface TimelineEntry {
  seq: number;
  time: number;
  kind: 'connect' | 'client-frame' | 'route' | 'frame-out' | 'error-frame' | 'post' | 'log' | 'failure' | 'inspector' | 'disconnect';
  text: string;
  detail?: string;
}

export interface ConnectionSummary {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent?: string;
  query?: string;
  principalId?: string;
  authorizerContext?: Record<string, string | number | boolean>;
  framesIn: number;
  framesOut: number;
  lastActive: number;
  closed?: { code?: number; reason?: string; at: number };
  /** Entries dropped from the start of the timeline to bound memory. */
  dropped: number;
}

/**
 * What the pages receive: a connection opened or closed, a connection's counters moved (frames, last active,
 * dropped entries: `activity`), an entry was added to a timeline, a management call.
 */
export type InspectorEvent =
  | { type: 'connection'; connection: ConnectionSummary }
  | { type: 'activity'; connection: ConnectionSummary }
  | { type: 'entry'; connectionId: string; entry: TimelineEntry }
  | { type: 'management'; call: ManagementRecord & { seq: number } };

export interface InspectorLimits {
  /** Entries kept per connection timeline; older ones are dropped. Default 200. */
  timelineEntries: number;
  /** Closed connections kept. Default 200. */
  closedConnections: number;
  /** `@connections` calls kept. Default 200. */
  managementCalls: number;
}

export const DEFAULT_INSPECTOR_LIMITS: InspectorLimits = { timelineEntries: 200, closedConnections: 200, managementCalls: 200 };

/**
 * Invocations remembered by Lambda request id, for the log lines they write later (a timer's line can come long
 * after), and instances by API request id until the gateway's record of that request comes.
 */
const REMEMBERED_INVOCATIONS = 10_000;

/** A Map that forgets its oldest entries past `limit`. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

interface Tracked {
  summary: ConnectionSummary;
  timeline: TimelineEntry[];
}

/**
 * What the inspector knows, fed by the gateway's observers (request records, `@connections` calls, handler logs,
 * invocation results). Bounded: per-connection timelines, closed connections and calls keep the newest entries.
 */
export class InspectorState {
  private readonly connections = new Map<string, Tracked>();
  private readonly closedOrder: string[] = [];
  private readonly calls: (ManagementRecord & { seq: number })[] = [];
  private seq = 0;
  /** Lambda request id → the connection its invocation was about. */
  private readonly invocationOwners = new Map<string, string>();
  /** `<API request id> <function>` → the instance that ran it. */
  private readonly instanceOfRequest = new Map<string, string>();

  constructor(
    readonly model: ServiceModel,
    private readonly limits: InspectorLimits,
    private readonly emit: (event: InspectorEvent) => void,
    private readonly runningOf: (functionKey: string) => readonly string[],
  ) {}

  onRecord(record: RequestRecord): void {
    if (record.eventType === 'CONNECT') return this.onConnect(record);
    const tracked = this.connections.get(record.connectionId);
    if (!tracked) return;
    const { summary } = tracked;
    const at = record.requestTimeEpoch + record.durationMs;
    summary.lastActive = Math.max(summary.lastActive, at);
    if (record.eventType === 'DISCONNECT') {
      summary.closed = { code: record.disconnectStatusCode, reason: record.disconnectReason, at };
      this.add(tracked, at, 'disconnect', `closed ${record.disconnectStatusCode ?? ''}${record.disconnectReason ? ` "${record.disconnectReason}"` : ''}; ${describeRun(record, this.takeInstance(record))}`);
      this.closedOrder.push(record.connectionId);
      while (this.closedOrder.length > this.limits.closedConnections) this.connections.delete(this.closedOrder.shift()!);
      return this.emit({ type: 'connection', connection: summary });
    }
    summary.framesIn++;
    this.add(tracked, record.requestTimeEpoch, 'client-frame', record.requestBody ?? '');
    this.add(tracked, at, 'route', `${record.routeKey}: ${describeRun(record, this.takeInstance(record))}`);
    if (record.responseBody !== undefined && !record.droppedFrame) {
      summary.framesOut++;
      this.add(tracked, at, record.error ? 'error-frame' : 'frame-out', record.responseBody, record.error ? 'error frame' : 'route response');
    } else if (record.droppedFrame) {
      this.add(tracked, at, 'failure', `frame dropped: the client is not reading (${record.droppedFrame.bufferedBytes} bytes waiting)`);
    }
    this.emit({ type: 'activity', connection: summary });
  }

  onManagement(record: ManagementRecord): void {
    const call = { ...record, seq: ++this.seq };
    this.calls.push(call);
    if (this.calls.length > this.limits.managementCalls) this.calls.shift();
    this.emit({ type: 'management', call });
    const tracked = record.connectionId ? this.connections.get(record.connectionId) : undefined;
    if (!tracked) return;
    const who = record.caller ? ` by ${record.caller}` : '';
    if (record.operation === 'PostToConnection' && record.status === 200) {
      tracked.summary.framesOut++;
      tracked.summary.lastActive = record.time;
      this.add(tracked, record.time, 'post', record.body ?? '', `@connections POST${who}`);
      this.emit({ type: 'activity', connection: tracked.summary });
    } else {
      this.add(tracked, record.time, 'post', `${record.operation} ${record.status}${record.errorType ? ` ${record.errorType}` : ''}`, `@connections ${record.method}${who}`);
    }
  }

  onInvocationStart(start: InvocationStart): void {
    if (start.connectionId !== undefined) remember(this.invocationOwners, start.awsRequestId, start.connectionId, REMEMBERED_INVOCATIONS);
  }

  /**
   * A handler's output line goes to the connection of the invocation that wrote it (by Lambda request id, also
   * when it came after that invocation ended); a line of a runtime that does not tell, to the connection whose
   * invocation of that function started first and still runs.
   */
  onHandlerLog(entry: HandlerLogEntry): void {
    const connectionId = entry.awsRequestId !== undefined ? this.invocationOwners.get(entry.awsRequestId) : this.runningOf(entry.functionKey)[0];
    const tracked = connectionId ? this.connections.get(connectionId) : undefined;
    if (!tracked) return;
    const source = `${entry.instance ?? entry.functionKey} ${entry.stream}${entry.late ? ', after its invocation ended' : ''}`;
    this.add(tracked, Date.now(), 'log', entry.line, source);
  }

  onInvocation(report: InvocationReport): void {
    const { instance } = report.result;
    if (instance !== undefined && report.requestId !== undefined) {
      remember(this.instanceOfRequest, `${report.requestId} ${report.functionKey}`, instance, REMEMBERED_INVOCATIONS);
    }
    const tracked = report.connectionId ? this.connections.get(report.connectionId) : undefined;
    if (!tracked || report.result.ok) return;
    const { error, kind } = report.result;
    const where = instance !== undefined ? ` on ${instance}` : '';
    const text = `${report.functionKey} failed${where} (${kind}${report.injected ? ', injected' : ''}): ${error.errorType}: ${error.errorMessage}`;
    this.add(tracked, report.startedAt + report.result.durationMs, 'failure', text, error.trace?.join('\n'));
  }

  /** An action taken from the page, in the connection's timeline. */
  note(connectionId: string, text: string): void {
    const tracked = this.connections.get(connectionId);
    if (tracked) this.add(tracked, Date.now(), 'inspector', text);
  }

  /** A frame sent from the page: one more frame out. */
  noteSent(connectionId: string, message: string): void {
    const tracked = this.connections.get(connectionId);
    if (!tracked) return;
    tracked.summary.framesOut++;
    tracked.summary.lastActive = Date.now();
    this.add(tracked, Date.now(), 'inspector', `sent from the inspector: ${message}`);
    this.emit({ type: 'activity', connection: tracked.summary });
  }

  /** Everything but the timelines: a page asks for the one it shows (`timelineOf`). */
  snapshot() {
    return {
      service: this.model.service,
      stage: this.model.stage,
      routes: this.model.websocket.routes.map((route) => ({ routeKey: route.routeKey, functionKey: route.functionKey })),
      functions: [...this.model.functions.values()].map((fn) => ({ key: fn.key, handler: fn.handler, runtime: fn.runtime })),
      limits: this.limits,
      connections: [...this.connections.values()].map(({ summary }) => summary),
      calls: this.calls,
    };
  }

  /** A connection's timeline as kept now, or undefined for one not (or no longer) known. */
  timelineOf(connectionId: string): { connection: ConnectionSummary; timeline: TimelineEntry[] } | undefined {
    const tracked = this.connections.get(connectionId);
    return tracked && { connection: tracked.summary, timeline: tracked.timeline };
  }

  private onConnect(record: RequestRecord): void {
    if (record.status < 200 || record.status >= 300) return;
    const summary: ConnectionSummary = {
      connectionId: record.connectionId,
      connectedAt: record.connectedAt,
      sourceIp: record.identity.sourceIp,
      ...(record.identity.userAgent !== undefined ? { userAgent: record.identity.userAgent } : {}),
      ...(record.query ? { query: record.query } : {}),
      ...(record.authorizer?.principalId !== undefined ? { principalId: record.authorizer.principalId } : {}),
      ...(record.authorizer?.context ? { authorizerContext: record.authorizer.context } : {}),
      framesIn: 0,
      framesOut: 0,
      lastActive: record.requestTimeEpoch + record.durationMs,
      dropped: 0,
    };
    const tracked: Tracked = { summary, timeline: [] };
    this.connections.set(record.connectionId, tracked);
    this.add(tracked, record.requestTimeEpoch, 'connect', `$connect: ${describeRun(record, this.takeInstance(record))}`);
    this.emit({ type: 'connection', connection: summary });
  }

  /** The instance that ran the function of a request (the invocation's report comes before the request's record). */
  private takeInstance(record: RequestRecord): string | undefined {
    if (record.functionKey === undefined) return undefined;
    const key = `${record.requestId} ${record.functionKey}`;
    const instance = this.instanceOfRequest.get(key);
    this.instanceOfRequest.delete(key);
    return instance;
  }

  private add(tracked: Tracked, time: number, kind: TimelineEntry['kind'], text: string, detail?: string): void {
    const entry: TimelineEntry = { seq: ++this.seq, time, kind, text, ...(detail !== undefined ? { detail } : {}) };
    tracked.timeline.push(entry);
    if (tracked.timeline.length > this.limits.timelineEntries) {
      tracked.timeline.shift();
      tracked.summary.dropped++;
    }
    this.emit({ type: 'entry', connectionId: tracked.summary.connectionId, entry });
  }
}

function describeRun(record: RequestRecord, instance: string | undefined): string {
  const fn = record.functionKey ? `${record.functionKey}${instance !== undefined ? ` on ${instance}` : ''} → ` : 'no function → ';
  const failure = record.integration?.error ?? record.authorizer?.error;
  const status = record.error ? `${record.status} ${record.error.message}${failure ? ` (${failure})` : ''}` : String(record.status);
  return `${fn}${status} in ${record.durationMs} ms`;
}
