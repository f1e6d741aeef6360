import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import { createServer as createNetServer, isIP } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { generate } from 'selfsigned';

export interface GatewayCertificate {
  key: string;
  cert: string;
  /** A file holding `cert`, for `NODE_EXTRA_CA_CERTS` of handler processes. */
  certFile: string;
  /** Removes the temporary folder of `certFile`. */
  dispose(): Promise<void>;
}

/**
 * A self-signed certificate for `localhost`, loopback and the listening address, made at start-up, so that handler code
 * calling `https://${domainName}/${stage}` (as on AWS) reaches the gateway and trusts it.
 */
export async function createGatewayCertificate(host = '127.0.0.1'): Promise<GatewayCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [{ type: 2, value: 'localhost' }, ...listCertificateIps(host).map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'wsgate-tls-'));
  const certFile = join(dir, 'gateway-ca.pem');
  await writeFile(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, certFile, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Loopback, the listening address, and every local address when listening on all interfaces. */
export function listCertificateIps(host: string): string[] {
  const ips = new Set(['127.0.0.1', '::1']);
  if (host === '0.0.0.0' || host === '::' || host === '') {
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) ips.add(a.address.split('%')[0]!);
  } else if (isIP(host)) {
    ips.add(host);
  }
  return [...ips];
}

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
    socket.on('error', () => socket.destroy());
    // A client that connects and never sends a byte would otherwise hold the socket forever (slowloris).
    const onSilent = () => socket.destroy();
    socket.setTimeout(handshakeTimeout, onSilent);
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.off('timeout', onSilent);
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE_RECORD && tls) tls.emit('connection', socket);
      else http.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
}
