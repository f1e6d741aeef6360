import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { HostRedirect } from '../host-redirect.js';

/** Where Linux distributions and macOS keep the system's trust roots, which a bootstrap's own TLS stack still needs. */
const SYSTEM_CA_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/** Always reached directly: the Runtime API (`AWS_LAMBDA_RUNTIME_API`) and local services. */
const DIRECT_HOSTS = ['127.0.0.1', 'localhost', '::1'];

const REDIRECTED_PORTS = new Set([443, 80]);

export interface ExecuteApiProxy {
  /** The variables that send a bootstrap's HTTP(S) clients through the proxy; the proxy listens from the first call on. */
  environment(existing: Readonly<Record<string, string>>): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Whether `host:port` is one of the redirected API host names (a `*` label matches any one label) on 443 or 80. */
export function isRedirectedHost(patterns: readonly string[], host: string, port: number): boolean {
  if (!REDIRECTED_PORTS.has(port)) return false;
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  return patterns.some((pattern) => {
    const expected = pattern.toLowerCase().split('.');
    return expected.length === labels.length && expected.every((label, i) => label === '*' || label === labels[i]);
  });
}

function refusal(host: string): string {
  return `wsgate's handler proxy only reaches this API's own execute-api host names; ${host} is not one, and nothing leaves the machine. Add the host to NO_PROXY to reach it directly.\n`;
}

/**
 * A local HTTP proxy for runtimes wsgate cannot preload code into (`provided.*`: Go, Rust, shell with curl…):
 * their HTTP clients read HTTPS_PROXY/HTTP_PROXY, so a request to `https://{apiId}.execute-api.{region}.amazonaws.com`
 * arrives here as a CONNECT and is tunnelled to the gateway, unchanged (TLS with the AWS host name end to end).
 * Every other host is refused: the proxy connects to nothing but the gateway.
 */
export function createExecuteApiProxy(redirect: HostRedirect): ExecuteApiProxy {
  let started: Promise<{ server: Server; port: number; bundle: string | undefined; bundleDir: string | undefined }> | undefined;
  const sockets = new Set<Duplex>();
  // The gateway first, then the other local servers reached by AWS host names (the DynamoDB endpoint's TLS front).
  const routes = [redirect, ...(redirect.routes ?? [])];
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const tunnel = (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on('error', () => client.destroy());
    const target = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    const host = target?.[1] ?? '';
    const route = target ? routes.find((candidate) => isRedirectedHost(candidate.hosts, host, Number(target[2]))) : undefined;
    if (!route) {
      const body = refusal(req.url ?? '');
      client.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    const upstream: Socket = connect(route.port, route.host);
    track(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (upstream.connecting) client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  };

  // `http://` URLs arrive in absolute form (`POST http://host/path`): forwarded to the gateway's plain HTTP side.
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    let url: URL | undefined;
    try {
      url = new URL(req.url ?? '');
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'http:' || !isRedirectedHost(redirect.hosts, url.hostname, Number(url.port || 80))) {
      res.writeHead(403, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end(refusal(url?.host ?? String(req.url)));
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !name.startsWith('proxy-')));
    const upstream = request({ host: redirect.host, port: redirect.port, method: req.method, path: `${url.pathname}${url.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { Connection: 'close' });
      res.end();
    });
    req.pipe(upstream);
  };

  const start = async () => {
    const server = createServer(forward);
    server.on('connection', track);
    server.on('connect', tunnel);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve());
    });
    let bundle: string | undefined;
    let bundleDir: string | undefined;
    if (redirect.caFile && existsSync(redirect.caFile)) {
      // SSL_CERT_FILE and CURL_CA_BUNDLE replace the system's roots: the gateway's certificate is added to them.
      const system = SYSTEM_CA_BUNDLES.find((file) => existsSync(file));
      bundleDir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-ca-'));
      bundle = path.join(bundleDir, 'ca-bundle.pem');
      const parts = [...(system ? [readFileSync(system, 'utf8')] : []), readFileSync(redirect.caFile, 'utf8')];
      await writeFile(bundle, parts.map((part) => (part.endsWith('\n') ? part : `${part}\n`)).join(''));
    }
    return { server, port: (server.address() as AddressInfo).port, bundle, bundleDir };
  };

  return {
    async environment(existing) {
      started ??= start();
      const { port, bundle } = await started;
      const proxy = `http://127.0.0.1:${port}`;
      const own = existing.NO_PROXY ?? existing.no_proxy;
      const noProxy = [...DIRECT_HOSTS, ...(own ? [own] : [])].join(',');
      return {
        HTTPS_PROXY: proxy,
        https_proxy: proxy,
        HTTP_PROXY: proxy,
        http_proxy: proxy,
        NO_PROXY: noProxy,
        no_proxy: noProxy,
        ...(bundle ? { SSL_CERT_FILE: bundle, CURL_CA_BUNDLE: bundle } : {}),
      };
    },
    async close() {
      const running = await started?.catch(() => undefined);
      if (!running) return;
      const { server, bundleDir } = running;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
    },
  };
}
