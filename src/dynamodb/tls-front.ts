import net from 'node:net';
import tls from 'node:tls';
import { createGatewayCertificate } from '../gateway/gateway-certificate.js';

export interface TlsFront {
  readonly port: number;
  /** The certificate it serves (PEM), for handler processes to trust. */
  readonly certificate: string;
  close(): Promise<void>;
}

/**
 * HTTPS in front of the embedded endpoint's plain HTTP, on 127.0.0.1: handler code that calls DynamoDB by its AWS
 * host name (an SDK that ignores AWS_ENDPOINT_URL_DYNAMODB) is redirected here, and TLS verifies that host name
 * against this certificate. Bytes pass through unchanged after the handshake.
 */
export async function startTlsFront(targetPort: number, options: { hostnames: readonly string[]; cacheDir: string }): Promise<TlsFront> {
  const certificate = await createGatewayCertificate('127.0.0.1', {
    // Not the gateway's `localhost`: handlers trust both, and TLS finds a certificate's issuer by its name.
    commonName: 'wsgate DynamoDB endpoint',
    cacheDir: options.cacheDir,
    hostnames: options.hostnames,
  });
  await certificate.dispose();
  const open = new Set<net.Socket>();
  const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => {
        open.delete(socket);
        drop();
      });
      socket.on('error', drop);
    }
    client.pipe(upstream).pipe(client);
  });
  // A failed handshake (a client that does not trust the certificate) is the client's error, not the front's.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    certificate: certificate.cert,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
