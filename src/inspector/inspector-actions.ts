import { closeConnection } from '../gateway/connection-handler.js';
import type { GatewayState } from '../gateway/gateway-state.js';
import { DELETE_CLOSE_CODE } from '../gateway/management-call.js';
import { isSendBufferFull } from '../gateway/send-buffer.js';
import type { InspectorActions } from './create-inspector.js';

/** The page's Send and Disconnect, with the effects of `@connections` POST and DELETE on this gateway's connections. */
export function createInspectorActions(state: GatewayState): InspectorActions {
  const open = (connectionId: string) => {
    const live = state.live.get(connectionId);
    return live && live.ws.readyState === live.ws.OPEN ? live : undefined;
  };
  return {
    send(connectionId, message) {
      const live = open(connectionId);
      if (!live) return 'the connection is gone (410 GoneException)';
      if (isSendBufferFull(state.limits, live.ws)) return 'the client is not reading (429 LimitExceededException)';
      live.ws.send(message);
      live.activeAt = state.timers.now;
      state.registry.touch(connectionId, state.clock()).catch(() => undefined);
      return undefined;
    },
    disconnect(connectionId) {
      const live = open(connectionId);
      if (!live) return 'the connection is gone (410 GoneException)';
      closeConnection(live, DELETE_CLOSE_CODE, '');
      return undefined;
    },
  };
}
