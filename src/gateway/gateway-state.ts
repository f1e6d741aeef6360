import type { WebSocket } from 'ws';
import type { RouteModel, ServiceModel } from '../config/model.js';
import type { ConnectionRegistry } from '../registry/connection-registry.js';
import type { InvokeOptions, InvokeResult, Invoker } from '../runtime/invoker.js';
import type { RequestObserver, RequestRecord } from './logs/request-record.js';
import type { ConnectionContext } from './events.js';
import type { MessageEventParts } from './encode-message-event.js';
import type { IdGenerator } from './ids.js';
import type { ConnectionTimers } from './connection-timers.js';
import type { GatewayLimits } from './limits.js';
import type { ManagementRecord } from './management-record.js';
import type { ParsedExpression } from './route-selection.js';
import type { Inspector } from '../inspector/create-inspector.js';

/** A connection whose WebSocket is open on this gateway. */
export interface LiveConnection {
  context: ConnectionContext;
  ws: WebSocket;
  /** Set when the gateway itself closes the connection, so `$disconnect` gets the gateway's code. */
  serverClose?: { code: number; reason: string };
  /** Settles once `$disconnect` has run. */
  disconnected: Promise<void>;
  /** Scaled time of the last data message either way, for the idle limit (`state.timers.now`). */
  activeAt: number;
  /** Scaled time the connection opened, for the maximum duration. */
  openedAt: number;
  /** Its MESSAGE events' JSON between the per-message values, once an invoker takes encoded events. */
  messageEventParts?: MessageEventParts;
}

/** Everything the handshake, the message router and the management API share. */
export interface GatewayState {
  model: ServiceModel;
  stage: string;
  region: string;
  apiId: string;
  accountId: string;
  invoker: Invoker;
  registry: ConnectionRegistry;
  ids: IdGenerator;
  clock: () => number;
  limits: GatewayLimits;
  /** The idle and maximum-duration limits' clock. */
  timers: ConnectionTimers;
  /** When set, `@connections` requests must carry a valid SigV4 signature by one of these credentials. */
  signatureCredentials?: ReadonlyMap<string, string>;
  expression: ParsedExpression;
  routes: ReadonlyMap<string, RouteModel>;
  routeKeys: ReadonlySet<string>;
  live: Map<string, LiveConnection>;
  /** `host:port` of the listening gateway, for events when a client sent no Host header. */
  fallbackDomainName(): string;
  observe(record: RequestRecord): void;
  /** Whether anyone observes request records (logs on); without observers, messages build none. */
  recording: boolean;
  observeManagement(record: ManagementRecord): void;
  /** Tracks work (handshakes, invocations) that `close()` waits for. */
  track<T>(work: Promise<T>): Promise<T>;
  closing: boolean;
  /** The inspector page's endpoint, when it is on (`/_wsgate/`). */
  inspector?: Inspector;
}

/**
 * Invokes a function through `call`, with the gateway's integration deadline; an invoker bug becomes a failure
 * result instead of a rejection.
 */
export async function invokeSafely(state: GatewayState, call: (invoker: Invoker, options: InvokeOptions) => Promise<InvokeResult>): Promise<InvokeResult> {
  try {
    return await call(state.invoker, { deadlineMs: state.limits.integrationTimeoutMs });
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    return { ok: false, kind: 'crash', error: { errorType: error.name, errorMessage: error.message }, durationMs: 0 };
  }
}

export function emitRecord(observers: readonly RequestObserver[], record: RequestRecord): void {
  for (const observer of observers) {
    try {
      observer(record);
    } catch {
      // An observer's bug must never take the gateway down.
    }
  }
}
