import { createServer, STATUS_CODES, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Server as NetServer, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { GatewayState } from './gateway-state.js';
import { handleUpgradeRequest, handshakeDecisions } from './handshake.js';
import { handleManagementRequest } from './management-api.js';
import { writeRawResponse } from './raw-response.js';
import { createRequestDeadlines } from './request-deadline.js';
import { createPolyglotListener } from './tls.js';
import { isInspectorPath } from '../inspector/create-inspector.js';

export interface GatewayServer {
  listener: NetServer;
  http: HttpServer;
  wss: WebSocketServer;
  /** Destroys every socket still open (keep-alive HTTP, stalled handshakes). */
  destroySockets(): void;
}

/**
 * One node:http server behind one port that speaks HTTP and TLS: upgrades go to the handshake,
 * other requests to the `@connections` API. `ws` runs in noServer mode so the handshake decides.
 */
export function createGatewayServer(state: GatewayState, certificate?: { key: string; cert: string }): GatewayServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: state.limits.maxMessageBytes,
    perMessageDeflate: false,
    // The gateway keeps its own table of connections (`state.live`); `ws`'s would cost a listener per connection.
    clientTracking: false,
    handleProtocols: (_offered, req) => handshakeDecisions.get(req)?.protocol ?? false,
  });
  wss.on('headers', (headers, req) => {
    for (const [name, value] of handshakeDecisions.get(req)?.headers ?? []) headers.push(`${name}: ${value.replace(/[\r\n]/g, ' ')}`);
  });
  // Slowloris: a request (upgrade or @connections) must arrive whole within the handshake timeout.
  const handshakeTimeoutMs = state.limits.handshakeTimeoutMs;
  // A keep-alive socket idle since its last response is just closed; one stuck in a request gets 408.
  const deadlines = createRequestDeadlines(handshakeTimeoutMs, (socket, idle) =>
    idle ? socket.destroy() : answerClientError(Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket),
  );
  const http = createServer((req, res) => {
    const socket = req.socket;
    if (req.complete) deadlines.disarm(socket);
    else req.once('end', () => deadlines.disarm(socket));
    res.once('finish', () => deadlines.arm(socket, true));
    if (state.inspector && isInspectorPath(req.url)) return state.inspector.handleRequest(req, res);
    void handleManagementRequest(state, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"message":"Internal server error"}');
    });
  });
  http.on('connection', (socket: Duplex) => deadlines.arm(socket));
  http.on('upgrade', (req, socket, head) => {
    deadlines.disarm(socket);
    if (state.inspector && isInspectorPath(req.url)) return state.inspector.handleUpgrade(req, socket, head);
    void state.track(handleUpgradeRequest(state, wss, req, socket, head)).catch(() => socket.destroy());
  });
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));
  const sockets = new Set<Socket>();
  // One listener for every socket (`this`), not a closure per connection.
  function forgetSocket(this: Socket): void {
    sockets.delete(this);
  }
  const listener = createPolyglotListener(http, certificate, { handshakeTimeoutMs });
  listener.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', forgetSocket);
  });
  return {
    listener,
    http,
    wss,
    destroySockets: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** A request node:http cannot parse: too-large headers 431, too slow 408, anything else 400; then the socket closes. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  writeRawResponse(socket, status, JSON.stringify({ message: STATUS_CODES[status] }));
}
