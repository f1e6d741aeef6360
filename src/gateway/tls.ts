import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { destroyThisSocket } from './destroy-socket.js';

const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * One listening socket that speaks plain HTTP and TLS: the first byte of each connection tells them
 * apart (0x16 starts a TLS handshake). Both kinds end up on the same node:http server.
 */
export function createPolyglotListener(http: HttpServer, certificate?: { key: string; cert: string }, options: { handshakeTimeoutMs?: number } = {}): NetServer {
  const handshakeTimeout = options.handshakeTimeoutMs ?? 120_000;
  const tls = certificate ? createTlsServer({ key: certificate.key, cert: certificate.cert, handshakeTimeout }) : undefined;
  tls?.on('secureConnection', (socket) => http.emit('connection', socket));
  tls?.on('tlsClientError', (_err, socket) => socket.destroy());
  // node:http turns Nagle off on the sockets of a server it listens with itself; this listener must do it.
  return createNetServer({ noDelay: true }, (socket: Socket) => {
    socket.on('error', destroyThisSocket);
    // A client that connects and never sends a byte would otherwise hold the socket forever (slowloris).
    socket.setTimeout(handshakeTimeout, destroyThisSocket);
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.off('timeout', destroyThisSocket);
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE_RECORD && tls) tls.emit('connection', socket);
      else http.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
}
