import type { RawData, WebSocket } from 'ws';
import { encodeMessageEvent, encodeMessageEventParts } from './encode-message-event.js';
import { buildDisconnectEvent, buildMessageEvent, type ConnectionContext } from './events.js';
import { invokeSafely, type GatewayState, type LiveConnection } from './gateway-state.js';
import type { RequestRecord } from './logs/request-record.js';
import { describeInvokeFailure, startRequestRecord } from './request-records.js';
import { selectRoute } from './route-selection.js';
import { isSendBufferFull } from './send-buffer.js';

/** The reason API Gateway reports when the client's close frame carried no status code. */
export const NO_STATUS_REASON = 'Client-side close frame status not set';

/** Close codes for the frames `ws` refuses, so `$disconnect` reports what the client was told. */
const WS_ERROR_CLOSE_CODES: Record<string, number> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
};

/** Wires an accepted WebSocket: routes its messages and runs `$disconnect` when it closes. */
export function attachConnection(state: GatewayState, context: ConnectionContext, ws: WebSocket): LiveConnection {
  let markDisconnected!: () => void;
  const openedAt = state.timers.read();
  const live: LiveConnection = {
    context,
    ws,
    disconnected: new Promise<void>((resolve) => (markDisconnected = resolve)),
    activeAt: openedAt,
    openedAt,
  };
  state.live.set(context.connectionId, live);

  ws.on('message', (data: RawData, isBinary: boolean) => {
    // Frames already read when the gateway decided to close (oversized frame, limits) are not routed.
    if (live.serverClose) return;
    live.activeAt = state.timers.now;
    if (isBinary) {
      // API Gateway does not route binary frames: it closes with 1003 (unsupported data).
      closeConnection(live, 1003, '');
      return;
    }
    void state.track(routeMessage(state, live, rawDataToString(data))).catch(() => undefined);
  });
  ws.on('error', (err: Error & { code?: string }) => {
    if (!live.serverClose) live.serverClose = { code: WS_ERROR_CLOSE_CODES[err.code ?? ''] ?? 1002, reason: '' };
  });
  ws.on('close', (code: number, reason: Buffer) => {
    state.live.delete(context.connectionId);
    const closing = live.serverClose ?? { code, reason: code === 1005 ? NO_STATUS_REASON : reason.toString('utf8') };
    void state
      .track(runDisconnect(state, context, closing.code, closing.reason))
      .catch(() => undefined)
      .finally(markDisconnected);
  });
  return live;
}

/** Closes a connection from the gateway's side (DELETE, shutdown, binary frame, limits) with a known code. */
export function closeConnection(live: LiveConnection, code: number, reason: string): void {
  if (!live.serverClose) live.serverClose = { code, reason };
  live.ws.close(code, reason);
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** The exact error frame API Gateway sends (note the space after `"message":` only). */
export function formatErrorFrame(message: string, connectionId: string, requestId: string): string {
  return `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, "requestId":${JSON.stringify(requestId)}}`;
}

async function routeMessage(state: GatewayState, live: LiveConnection, body: string): Promise<void> {
  const started = state.clock();
  const { context } = live;
  const requestId = state.ids.nextId();
  const messageId = state.ids.nextId();
  // Not awaited: the route and the invocation do not depend on it (one async step less per message).
  state.registry.touch(context.connectionId, started).catch(() => undefined);
  const routeKey = selectRoute(state.expression, body, state.routeKeys);
  // Only built when someone reads it (logs on): per message, it is work nobody else sees.
  const record = state.recording ? startRequestRecord(context, 'MESSAGE', routeKey ?? '$default', requestId, started) : undefined;
  type Outcome = Partial<Pick<RequestRecord, 'functionKey' | 'status' | 'error' | 'integration'>>;
  const finish = (frame: string | undefined, outcome: Outcome) => {
    let dropped: RequestRecord['droppedFrame'];
    if (frame !== undefined && live.ws.readyState === live.ws.OPEN) {
      if (isSendBufferFull(state.limits, live.ws)) {
        dropped = { bufferedBytes: live.ws.bufferedAmount };
      } else {
        live.ws.send(frame);
        live.activeAt = state.timers.now;
      }
    }
    if (!record) return;
    Object.assign(record, outcome, { messageId, requestBody: body, durationMs: state.clock() - started });
    if (dropped) record.droppedFrame = dropped;
    if (frame !== undefined) record.responseBody = frame;
    state.observe(record);
  };

  if (routeKey === undefined) {
    finish(formatErrorFrame('Forbidden', context.connectionId, requestId), { status: 403, error: { message: 'Forbidden' } });
    return;
  }
  const { functionKey, routeResponseSelectionExpression } = state.routes.get(routeKey)!;
  const input = { connection: context, request: { requestId, requestTimeEpoch: started }, routeKey, messageId, body };
  const result = await invokeSafely(state, (invoker, options) =>
    invoker.invokeEncoded
      ? invoker.invokeEncoded(functionKey, encodeMessageEvent((live.messageEventParts ??= encodeMessageEventParts(context)), input), options)
      : invoker.invoke(functionKey, buildMessageEvent(input), options),
  );
  if (!result.ok) {
    finish(formatErrorFrame('Internal server error', context.connectionId, requestId), {
      functionKey,
      status: 500,
      error: { message: 'Internal server error', responseType: result.kind === 'timeout' ? 'INTEGRATION_TIMEOUT' : 'INTEGRATION_FAILURE' },
      integration: { status: 500, latency: result.durationMs, error: describeInvokeFailure(result), trace: result.error.trace },
    });
    return;
  }
  const value = result.value as { statusCode?: unknown; body?: unknown } | null | undefined;
  finish(routeResponseSelectionExpression ? routeResponseFrame(value) : undefined, {
    functionKey,
    integration: { status: typeof value?.statusCode === 'number' ? value.statusCode : 200, latency: result.durationMs },
  });
}

/** With a `$default` route response, the handler's `body` is the frame; its statusCode is ignored. */
function routeResponseFrame(value: { body?: unknown } | null | undefined): string | undefined {
  if (value === null || typeof value !== 'object' || value.body === undefined || value.body === null) return undefined;
  return typeof value.body === 'string' ? value.body : JSON.stringify(value.body);
}

/** Runs `$disconnect` (best effort: its result is ignored) and forgets the connection. */
export async function runDisconnect(state: GatewayState, context: ConnectionContext, code: number, reason: string): Promise<void> {
  const started = state.clock();
  await state.registry.remove(context.connectionId);
  const requestId = state.ids.nextId();
  const record = startRequestRecord(context, 'DISCONNECT', '$disconnect', requestId, started);
  record.disconnectStatusCode = code;
  record.disconnectReason = reason;
  const route = state.routes.get('$disconnect');
  if (route) {
    record.functionKey = route.functionKey;
    const event = buildDisconnectEvent({
      connection: context,
      request: { requestId, requestTimeEpoch: started },
      disconnectStatusCode: code,
      disconnectReason: reason,
    });
    const result = await invokeSafely(state, (invoker, options) => invoker.invoke(route.functionKey, event, options));
    if (!result.ok) {
      record.status = 500;
      record.error = { message: 'Internal server error' };
      record.integration = { status: 500, latency: result.durationMs, error: describeInvokeFailure(result), trace: result.error.trace };
    } else {
      record.integration = { latency: result.durationMs };
    }
  }
  record.durationMs = state.clock() - started;
  state.observe(record);
}
