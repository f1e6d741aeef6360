import { isUtf8 } from 'node:buffer';
import type { ManagementAnswer, ManagementCall } from '../registry/cluster-link.js';
import { closeConnection } from './connection-handler.js';
import type { GatewayState } from './gateway-state.js';
import { isSendBufferFull } from './send-buffer.js';

/** Close code when DeleteConnection closes a connection (AWS does not document it). */
export const DELETE_CLOSE_CODE = 1000;

export const GONE_ANSWER: ManagementAnswer = { status: 410, body: '{}', errorType: 'GoneException' };

/**
 * What API Gateway answers when it fails internally (its documented 500 for the management API): wsgate answers it
 * when the cluster cannot tell where a connection is (Redis unreachable, the owner node silent). docs/scale-out.md.
 */
export const INTERNAL_FAILURE_ANSWER: ManagementAnswer = { status: 500, body: '{"message":"Internal server error"}', errorType: 'InternalServerErrorException' };

/** Runs an `@connections` call against a connection of this gateway (the caller reached it here or through another node). */
export async function executeLocalCall(state: GatewayState, call: ManagementCall): Promise<ManagementAnswer> {
  const registered = await state.registry.get(call.connectionId);
  const live = state.live.get(call.connectionId);
  if (!registered || registered.state !== 'open' || !live || live.ws.readyState !== live.ws.OPEN) return GONE_ANSWER;

  if (call.method === 'POST') {
    const payload = call.body ?? Buffer.alloc(0);
    // A client that does not read: refuse instead of buffering without bound (the model's LimitExceededException).
    if (isSendBufferFull(state.limits, live.ws)) return { status: 429, body: '{"message":"Too Many Requests"}', errorType: 'LimitExceededException' };
    live.ws.send(payload, { binary: !isUtf8(payload) });
    live.activeAt = state.timers.now;
    await state.registry.touch(call.connectionId, state.clock());
    return { status: 200, body: '' };
  }
  if (call.method === 'GET') {
    return {
      status: 200,
      body: JSON.stringify({
        connectedAt: new Date(registered.connectedAt).toISOString(),
        identity: registered.identity,
        lastActiveAt: new Date(registered.lastActiveAt).toISOString(),
      }),
    };
  }
  closeConnection(live, DELETE_CLOSE_CODE, '');
  return { status: 204, body: '' };
}
