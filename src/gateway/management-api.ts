import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForwardResult, ManagementAnswer, ManagementCall } from '../registry/cluster-link.js';
import type { GatewayState } from './gateway-state.js';
import { executeLocalCall, GONE_ANSWER, INTERNAL_FAILURE_ANSWER } from './management-call.js';
import type { ManagementRecord } from './management-record.js';
import { verifySigV4 } from './sigv4-verify.js';

const EMPTY = Buffer.alloc(0);

/** The body of the 426 a plain HTTP request to the WebSocket URL gets (AWS's is undocumented). */
export const UPGRADE_REQUIRED_BODY = '{"message":"Upgrade Required"}';


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
  const send = (reply: ManagementAnswer) => {
    if (reply.status !== 204) return answer(reply.status, reply.body, reply.errorType);
    res.statusCode = 204;
    res.setHeader('x-amzn-RequestId', state.ids.nextUuid());
    res.end();
    record.status = 204;
    record.durationMs = state.clock() - started;
    state.observeManagement(record);
  };
  const forbidden = () => answer(403, '{"message":"Forbidden"}', 'ForbiddenException');

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
  record.operation = OPERATIONS[method as ManagementCall['method']];

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

  const call: ManagementCall = { method: method as ManagementCall['method'], connectionId: target.connectionId, ...(payload ? { body: payload } : {}) };
  if (state.live.has(target.connectionId) || !state.registry.cluster) return send(await executeLocalCall(state, call));
  let forwarded: ForwardResult;
  try {
    forwarded = await state.registry.cluster.forward(call);
  } catch {
    return send(INTERNAL_FAILURE_ANSWER);
  }
  if (forwarded.kind === 'local') return send(await executeLocalCall(state, call));
  if (forwarded.kind === 'gone') return send(GONE_ANSWER);
  record.node = forwarded.node;
  return send(forwarded.answer);
}

/** Serves a call another node forwarded here, logged as this node's with the caller's node named. */
export async function answerForwardedCall(state: GatewayState, call: ManagementCall, from: string): Promise<ManagementAnswer> {
  const started = state.clock();
  const answer = await executeLocalCall(state, call).catch(() => INTERNAL_FAILURE_ANSWER);
  state.observeManagement({
    method: call.method,
    operation: OPERATIONS[call.method],
    connectionId: call.connectionId,
    status: answer.status,
    ...(answer.errorType ? { errorType: answer.errorType } : {}),
    durationMs: state.clock() - started,
    time: started,
    forwardedFrom: from,
    ...(state.inspector && call.body ? { body: call.body.toString('utf8') } : {}),
  });
  return answer;
}

const OPERATIONS = { POST: 'PostToConnection', GET: 'GetConnection', DELETE: 'DeleteConnection' } as const;

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
