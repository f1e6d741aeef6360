import { createServer } from 'node:net';

/**
 * `--port 0`: a free port, found by listening on it once and closing, so the configuration can name the
 * gateway's URL before the gateway listens. Another process could take it in between; the gateway then fails
 * to listen with EADDRINUSE and says so, and a second start picks another port. When no port can be had
 * (an address this machine lacks), 0 stays: the gateway reports that failure itself, in its own words.
 */
export async function reservePort(port: number, host: string): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(0));
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const free = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(free));
    });
  });
}

/** The host clients reach a gateway listening on `host` at (as the gateway prints it). */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
