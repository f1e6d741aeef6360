/**
 * One finished request of the gateway (a connect, a message or a disconnect), as the gateway reports it
 * to its observers: the dev log, the access log and the execution log. Field names follow the
 * `$context` variables AWS documents for WebSocket access logs.
 */
export interface RequestRecord {
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  routeKey: string;
  connectionId: string;
  requestId: string;
  extendedRequestId: string;
  messageId?: string;
  requestTime: string;
  requestTimeEpoch: number;
  connectedAt: number;
  stage: string;
  apiId: string;
  domainName: string;
  identity: { sourceIp: string; userAgent?: string };
  /** What the client got: the handshake status for CONNECT, 200 for a routed message, the error status otherwise. */
  status: number;
  /** The function invoked for the route, if any. */
  functionKey?: string;
  /** Time from the request's arrival to its answer, ms. */
  durationMs: number;
  /** Set when the request failed: `Forbidden`, `Internal server error`, `Unauthorized`, … */
  error?: { message: string; responseType?: string };
  integration?: {
    status?: number;
    latency?: number;
    requestId?: string;
    error?: string;
    /** The failed handler's stack as Lambda reports it (`trace`): the dev log shows where it failed. */
    trace?: readonly string[];
  };
  authorizer?: {
    principalId?: string;
    context?: Record<string, string | number | boolean>;
    status?: number;
    latency?: number;
    requestId?: string;
    error?: string;
  };
  /** The message body (MESSAGE) and the route response sent back, for execution logs with full data. */
  requestBody?: string;
  responseBody?: string;
  /** Set when the frame for the client (route response or error frame) was not sent: the client was not reading. */
  droppedFrame?: { bufferedBytes: number };
  /** CONNECT: the upgrade URL's query string, without `?`. */
  query?: string;
  disconnectStatusCode?: number;
  disconnectReason?: string;
}

/** Receives every finished request. Observers must not throw and must be cheap when disabled. */
export type RequestObserver = (record: RequestRecord) => void;
