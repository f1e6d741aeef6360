import type { WebSocket } from 'ws';
import type { GatewayLimits } from './limits.js';

/**
 * True while the client has more than `maxSendBufferBytes` waiting to be written to it: it is not reading.
 * Whatever the gateway would send then (a post, a route response, an error frame) is not queued, so one stuck
 * client cannot grow the gateway's memory without bound.
 */
export function isSendBufferFull(limits: GatewayLimits, ws: WebSocket): boolean {
  const cap = limits.maxSendBufferBytes;
  return cap > 0 && ws.bufferedAmount > cap;
}
