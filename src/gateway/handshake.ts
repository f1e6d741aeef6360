import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { WebSocketServer } from 'ws';
import { authorizeConnect, type AuthorizeConnectOutcome } from './authorizer/authorize-connect.js';
import type { RequestRecord } from './logs/request-record.js';
import { buildConnectEvent, buildTraceId, type ConnectionContext } from './events.js';
import { invokeSafely, type GatewayState, type LiveConnection } from './gateway-state.js';
import { attachConnection, closeConnection, runDisconnect } from './connection-handler.js';
import { destroyThisSocket } from './destroy-socket.js';
import { guardFrameSize } from './frame-size-guard.js';
import { RandomPool } from './ids.js';
import { writeRawResponse } from './raw-response.js';
import { describeInvokeFailure, startRequestRecord } from './request-records.js';

/** What the `$connect` response decided for the handshake response, read by the WebSocket server hooks. */
export interface HandshakeDecision {
  protocol?: string;
  headers: [string, string][];
}

export const handshakeDecisions = new WeakMap<IncomingMessage, HandshakeDecision>();

const traceRandom = new RandomPool();

/** Headers of the `$connect` response that would corrupt the 101 response if copied onto it. */
const HANDSHAKE_OWNED_HEADERS = new Set([
  'connection',
  'upgrade',
  'sec-websocket-accept',
  'sec-websocket-extensions',
  'content-length',
  'transfer-encoding',
]);

type ConnectOutcome =
  | { accept: true; decision: HandshakeDecision }
  /** `error`: why the gateway (not the handler) refused, for the logs. */
  | { accept: false; status: number; headers: [string, string][]; body: string; error?: string };

/**
 * The upgrade listener (spec §3.1): the authorizer, then `$connect`, while the upgrade is pending;
 * 101 on a 2xx answer, otherwise that status and the socket is closed.
 */
export async function handleUpgradeRequest(
  state: GatewayState,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  socket.on('error', destroyThisSocket);
  const started = state.clock();
  if ((req.url?.length ?? 0) > state.limits.maxUrlLength) {
    writeRawResponse(socket, 414, '{"message":"Request-URI Too Long"}');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://gateway.local');
  if (!isWebSocketRequest(req)) {
    writeRawResponse(socket, 400, '{"message":"Bad Request"}');
    return;
  }
  if (state.closing || !isGatewayPath(url.pathname, state.stage)) {
    writeRawResponse(socket, 403, '{"message":"Forbidden"}');
    return;
  }
  const tlsSocket = req.socket as TLSSocket;
  const userAgent = req.headers['user-agent'];
  const connection: ConnectionContext = {
    connectionId: state.ids.nextId(),
    connectedAt: started,
    identity: { sourceIp: normalizeIp(req.socket.remoteAddress), ...(userAgent !== undefined ? { userAgent } : {}) },
    domainName: req.headers.host ?? state.fallbackDomainName(),
    stage: state.stage,
    apiId: state.apiId,
  };
  const request = { requestId: state.ids.nextId(), requestTimeEpoch: state.clock() };
  const eventInput = {
    connection,
    request,
    rawHeaders: req.rawHeaders,
    query: url.search.slice(1),
    traceId: buildTraceId(request.requestTimeEpoch, traceRandom.bytes, traceRandom.take(12)),
    forwardedPort: req.socket.localPort ?? 0,
    forwardedProto: tlsSocket.encrypted ? ('https' as const) : ('http' as const),
  };
  await state.registry.add({
    connectionId: connection.connectionId,
    state: 'connecting',
    connectedAt: connection.connectedAt,
    lastActiveAt: connection.connectedAt,
    identity: connection.identity,
    domainName: connection.domainName,
  });

  const record = startRequestRecord(connection, 'CONNECT', '$connect', request.requestId, request.requestTimeEpoch);
  if (eventInput.query) record.query = eventInput.query;

  const outcome = await decideConnect(state, connection, eventInput, req.rawHeaders, record);
  record.durationMs = state.clock() - started;
  const connectRan = record.functionKey !== undefined;

  if (!outcome.accept) {
    await state.registry.remove(connection.connectionId);
    record.status = outcome.status;
    if (outcome.error) record.error = { message: outcome.error };
    writeRawResponse(socket, outcome.status, outcome.body, outcome.headers);
    state.observe(record);
    return;
  }
  if (socket.destroyed || !socket.writable || state.closing) {
    // The client left while $connect ran: the connection never opened, but $connect may have stored it.
    state.observe(record);
    if (!socket.destroyed) socket.destroy();
    if (connectRan) await runDisconnect(state, connection, 1006, '');
    else await state.registry.remove(connection.connectionId);
    return;
  }
  await state.registry.markOpen(connection.connectionId, connection.authorizer);
  handshakeDecisions.set(req, outcome.decision);
  completeUpgrade(state, wss, req, socket, head, connection, record);
}

/**
 * Hands the socket to `ws`. A function of its own so that the connection's listeners keep alive only what they
 * use: a closure keeps its whole scope, and the handshake's holds the request's record and events.
 */
function completeUpgrade(
  state: GatewayState,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  connection: ConnectionContext,
  record: RequestRecord,
): void {
  // `ws` refused the handshake after $connect accepted it (or the client vanished): clean up like a close.
  const closedBeforeUpgrade = () => void state.track(runDisconnect(state, connection, 1006, '')).catch(() => undefined);
  socket.once('close', closedBeforeUpgrade);
  wss.handleUpgrade(req, socket, head, (ws) => {
    socket.off('close', closedBeforeUpgrade);
    state.observe(record);
    const live = attachConnection(state, connection, ws);
    guardFrameSize(socket, state.limits.maxFrameBytes, state.limits.maxMessageBytes, closeOversized(live));
  });
}

/** A frame over the frame quota closes the connection with 1009; in a scope of its own (see `completeUpgrade`). */
function closeOversized(live: LiveConnection): () => void {
  return () => closeConnection(live, 1009, '');
}

async function decideConnect(
  state: GatewayState,
  connection: ConnectionContext,
  eventInput: Parameters<typeof buildConnectEvent>[0],
  rawHeaders: readonly string[],
  record: RequestRecord,
): Promise<ConnectOutcome> {
  const route = state.routes.get('$connect');
  let integrationLatency: number | undefined;
  if (route?.authorizer) {
    const authStarted = state.clock();
    let auth: AuthorizeConnectOutcome;
    try {
      auth = await state.track(
        authorizeConnect({
          authorizer: route.authorizer,
          connectEvent: buildConnectEvent(eventInput),
          rawHeaders,
          region: state.region,
          accountId: state.accountId,
          invoker: state.invoker,
          deadlineMs: state.limits.integrationTimeoutMs,
          service: state.model,
        }),
      );
    } catch (err) {
      auth = { allowed: false, statusCode: 500, reason: err instanceof Error ? err.message : String(err) };
    }
    if (!auth.allowed) {
      record.authorizer = {
        status: auth.statusCode,
        latency: auth.integrationLatency ?? state.clock() - authStarted,
        error: auth.reason,
        ...(auth.principalId !== undefined ? { principalId: auth.principalId } : {}),
      };
      const body = JSON.stringify({ message: STATUS_MESSAGES[auth.statusCode] });
      return { accept: false, status: auth.statusCode, headers: [], body, error: auth.reason };
    }
    connection.authorizer = auth.authorizer;
    integrationLatency = auth.integrationLatency;
    const { principalId, ...context } = auth.authorizer;
    record.authorizer = {
      status: 200,
      latency: auth.integrationLatency,
      context,
      ...(principalId !== undefined ? { principalId: String(principalId) } : {}),
    };
  }
  if (!route) return { accept: true, decision: { headers: [] } };

  record.functionKey = route.functionKey;
  const event = buildConnectEvent({ ...eventInput, integrationLatency });
  const result = await state.track(invokeSafely(state, (invoker, options) => invoker.invoke(route.functionKey, event, options)));
  if (!result.ok) {
    record.integration = { status: 502, latency: result.durationMs, error: describeInvokeFailure(result), trace: result.error.trace };
    return { accept: false, status: 502, headers: [], body: '{"message": "Internal server error"}', error: 'Internal server error' };
  }
  const response = result.value as { statusCode?: unknown; headers?: unknown; multiValueHeaders?: unknown; body?: unknown } | null | undefined;
  const statusCode = typeof response?.statusCode === 'number' ? response.statusCode : Number.NaN;
  record.integration = { status: Number.isNaN(statusCode) ? undefined : statusCode, latency: result.durationMs };
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    record.integration.error = '$connect returned no valid statusCode';
    return { accept: false, status: 502, headers: [], body: '{"message": "Internal server error"}', error: 'Internal server error' };
  }
  const headers = collectResponseHeaders(response);
  if (statusCode < 200 || statusCode > 299) {
    const body = typeof response?.body === 'string' ? response.body : '';
    return { accept: false, status: statusCode, headers, body };
  }
  const protocolHeader = headers.find(([name]) => name.toLowerCase() === 'sec-websocket-protocol');
  return {
    accept: true,
    decision: {
      protocol: protocolHeader?.[1],
      headers: headers.filter(([name]) => name.toLowerCase() !== 'sec-websocket-protocol'),
    },
  };
}

const STATUS_MESSAGES: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal server error' };

function collectResponseHeaders(response: { headers?: unknown; multiValueHeaders?: unknown } | null | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  if (response?.multiValueHeaders && typeof response.multiValueHeaders === 'object') {
    for (const [name, values] of Object.entries(response.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(values)) continue;
      seen.add(name.toLowerCase());
      for (const value of values) pairs.push([name, String(value)]);
    }
  }
  if (response?.headers && typeof response.headers === 'object') {
    for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
      if (!seen.has(name.toLowerCase()) && value !== undefined && value !== null) pairs.push([name, String(value)]);
    }
  }
  return pairs.filter(([name]) => !HANDSHAKE_OWNED_HEADERS.has(name.toLowerCase()) && isHeaderToken(name));
}

function isHeaderToken(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

/** The checks `ws` makes before upgrading, made before `$connect` so that it never runs for a request `ws` would refuse. */
function isWebSocketRequest(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  return (
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    typeof key === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(key.trim()) &&
    (version === '8' || version === '13')
  );
}

/** The WebSocket URL is the root or the stage path, like `wss://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
function isGatewayPath(pathname: string, stage: string): boolean {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed === '' || trimmed === `/${stage}`;
}

export function normalizeIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
