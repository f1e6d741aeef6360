import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeConnection } from './connection-handler.js';
import type { GatewayState } from './gateway-state.js';
import type { ManagementRecord } from './management-record.js';
import { isSendBufferFull } from './send-buffer.js';
import { verifySigV4 } from './sigv4-verify.js';

const EMPTY = Buffer.alloc(0);

/** The body of the 426 a plain HTTP request to the WebSocket URL gets (AWS's is undocumented). */
export const UPGRADE_REQUIRED_BODY = '{"message":"Upgrade Required"}';

/** Close code when DeleteConnection closes a connection (AWS does not document it). */
export const DELETE_CLOSE_CODE = 1000;

type Target = { connectionId: string } | undefined;

/**
 * The `@connections` API (spec §5) on the gateway's port: `/{stage}/@connections/{id}` and
 * `/@connections/{id}` (`@` may be `%40`). Answers are shaped like API Gateway's, with
 * `x-amzn-ErrorType`, so the AWS SDKs raise their named errors (GoneException…). SigV4 signatures are checked
 * only when the gateway was given credentials to check them against.
 */
export async function handleManagementRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = state.clock();
  const target = parseConnectionsPath(req.url ?? '/', state.stage);
  const method = req.method ?? 'GET';
  const record: ManagementRecord = { method, operation: 'Unknown', status: 0, durationMs: 0, time: started };
  if (state.inspector) record.caller = describeCaller(req);
  const answer = (status: number, body: string, errorType?: string) => {
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'x-amzn-RequestId': state.ids.nextUuid(),
    };
    if (errorType) headers['x-amzn-ErrorType'] = errorType;
    res.writeHead(status, headers).end(body);
    record.status = status;
    if (errorType) record.errorType = errorType;
    record.durationMs = state.clock() - started;
    state.observeManagement(record);
  };
  const forbidden = () => answer(403, '{"message":"Forbidden"}', 'ForbiddenException');
  const gone = () => answer(410, '{}', 'GoneException');

  if (!target && (method === 'GET' || method === 'HEAD') && !namesConnections(req.url ?? '/')) {
    // A plain request to the WebSocket URL (no Upgrade): AWS asks for the upgrade (docs/behaviour.md).
    req.resume();
    res.setHeader('Upgrade', 'websocket');
    return answer(426, UPGRADE_REQUIRED_BODY);
  }
  if (!target || !['POST', 'GET', 'DELETE'].includes(method)) {
    req.resume();
    return forbidden();
  }
  record.connectionId = target.connectionId;
  record.operation = method === 'POST' ? 'PostToConnection' : method === 'GET' ? 'GetConnection' : 'DeleteConnection';

  let payload: Buffer | undefined;
  if (method === 'POST') {
    const body = await readBody(req, state.limits.maxPostBytes);
    // The client left (or was dropped for stalling) before its body arrived: nobody to answer.
    if (body === null) return;
    payload = body;
    if (payload && state.inspector) record.body = payload.toString('utf8');
    if (!payload) return answer(413, '{"message":"Request entity too large"}', 'PayloadTooLargeException');
  } else {
    req.resume();
  }
  if (state.signatureCredentials) {
    const failure = verifySigV4(
      { method, url: req.url ?? '/', headers: req.headers, body: payload ?? EMPTY },
      // The real clock, not the injectable one: the signer dates its request with the real time.
      { region: state.region, service: 'execute-api', credentials: state.signatureCredentials, now: Date.now() },
    );
    if (failure) return answer(403, JSON.stringify({ message: failure.message }), failure.errorType);
  }

  const registered = await state.registry.get(target.connectionId);
  const live = state.live.get(target.connectionId);
  if (!registered || registered.state !== 'open' || !live || live.ws.readyState !== live.ws.OPEN) return gone();

  if (method === 'POST') {
    // A client that does not read: refuse instead of buffering without bound (the model's LimitExceededException).
    if (isSendBufferFull(state.limits, live.ws)) return answer(429, '{"message":"Too Many Requests"}', 'LimitExceededException');
    live.ws.send(payload!, { binary: !isUtf8(payload!) });
    live.activeAt = state.timers.now;
    await state.registry.touch(target.connectionId, state.clock());
    return answer(200, '');
  }
  if (method === 'GET') {
    return answer(
      200,
      JSON.stringify({
        connectedAt: new Date(registered.connectedAt).toISOString(),
        identity: registered.identity,
        lastActiveAt: new Date(registered.lastActiveAt).toISOString(),
      }),
    );
  }
  closeConnection(live, DELETE_CLOSE_CODE, '');
  res.statusCode = 204;
  res.setHeader('x-amzn-RequestId', state.ids.nextUuid());
  res.end();
  record.status = 204;
  record.durationMs = state.clock() - started;
  state.observeManagement(record);
}

/** The caller of an `@connections` request as the inspector shows it: address, user agent, signing key. */
function describeCaller(req: IncomingMessage): string {
  const keyId = /Credential=([^/,\s]+)/.exec(String(req.headers.authorization ?? ''))?.[1];
  const agent = req.headers['user-agent']?.split(' ')[0];
  return [req.socket.remoteAddress, agent, keyId && `key ${keyId}`].filter(Boolean).join(', ');
}

export function parseConnectionsPath(url: string, stage: string): Target {
  const pathname = url.split('?')[0]!;
  const segments = pathname.split('/').slice(1);
  let rest = segments;
  if (segments.length === 3) {
    if (safeDecode(segments[0]!) !== stage) return undefined;
    rest = segments.slice(1);
  }
  if (rest.length !== 2 || safeDecode(rest[0]!)?.toLowerCase() !== '@connections') return undefined;
  const connectionId = safeDecode(rest[1]!);
  return connectionId ? { connectionId } : undefined;
}

/** A path with an `@connections` segment is a management call (a wrong stage or id is answered 403 as before). */
function namesConnections(url: string): boolean {
  return url.split('?')[0]!.split('/').some((segment) => safeDecode(segment)?.toLowerCase() === '@connections');
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Reads the request body; undefined when it exceeds `limit` bytes, null when the request was cut short. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
    req.on('close', () => resolve(null));
  });
}
