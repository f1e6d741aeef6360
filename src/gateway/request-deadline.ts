import type { Duplex } from 'node:stream';

export interface RequestDeadlines {
  /** Starts (or restarts) the time the socket has to deliver a whole request; `idle`: no byte of it may have come yet. */
  arm(socket: Duplex, idle?: boolean): void;
  /** The request arrived whole (headers of an upgrade, body of a request): stop counting. */
  disarm(socket: Duplex): void;
}

/**
 * Slowloris protection: each socket gets `timeoutMs` to deliver a whole request, from when it connects and
 * again after each response on a keep-alive socket. node:http has `headersTimeout`/`requestTimeout` for this,
 * but it checks them from the server's own `listen()`, and the gateway's node:http server never listens
 * itself (the polyglot listener hands it its sockets).
 */
export function createRequestDeadlines(timeoutMs: number, onExpired: (socket: Duplex, idle: boolean) => void): RequestDeadlines {
  const timers = new WeakMap<Duplex, NodeJS.Timeout>();
  // One 'close' listener per socket, not one per request of a keep-alive socket.
  const watched = new WeakSet<Duplex>();
  const disarm = (socket: Duplex) => {
    clearTimeout(timers.get(socket));
    timers.delete(socket);
  };
  // Shared by every socket (`this`): a closure per socket would live as long as the connection.
  function disarmOnClose(this: Duplex): void {
    disarm(this);
  }
  return {
    arm(socket, idle = false) {
      if (socket.destroyed) return;
      if (!watched.has(socket)) {
        watched.add(socket);
        socket.on('close', disarmOnClose);
      }
      clearTimeout(timers.get(socket));
      const timer = setTimeout(() => {
        timers.delete(socket);
        onExpired(socket, idle);
      }, timeoutMs);
      timer.unref();
      timers.set(socket, timer);
    },
    disarm,
  };
}
