import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecuteApiProxy, isRedirectedHost, type ExecuteApiProxy } from '../../src/runtime/runtime-api/execute-api-proxy.js';

const run = promisify(execFile);
const API_HOST = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';

// A stand-in for the gateway's plain HTTP side: it answers with what it received.
let gateway: Server;
let seen: { host: string | undefined; url: string | undefined; body: string }[];
let proxy: ExecuteApiProxy;
let env: Record<string, string>;

beforeAll(async () => {
  seen = [];
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      seen.push({ host: req.headers.host, url: req.url, body });
      res.end('gateway got it');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const port = (gateway.address() as AddressInfo).port;
  proxy = createExecuteApiProxy({ hosts: ['a1b2c3d4e5.execute-api.*.amazonaws.com'], host: '127.0.0.1', port });
  env = await proxy.environment({ NO_PROXY: 'dynamodb.local' });
});

afterAll(async () => {
  await proxy?.close();
  await new Promise<void>((resolve) => gateway.close(() => resolve()));
});

/** curl as a bootstrap runs it: with nothing but the proxy's variables. */
const curl = (...args: string[]) => run('curl', ['-sS', ...args], { env: { PATH: process.env.PATH, ...env } });

describe('the execute-api proxy of provided.* runtimes', () => {
  it("matches only the API's own host names, on ports 443 and 80", () => {
    expect(isRedirectedHost(['a1b2c3d4e5.execute-api.*.amazonaws.com'], API_HOST, 443)).toBe(true);
    expect(isRedirectedHost(['a1b2c3d4e5.execute-api.*.amazonaws.com'], 'A1B2C3D4E5.execute-api.us-east-1.amazonaws.com.', 80)).toBe(true);
    expect(isRedirectedHost(['a1b2c3d4e5.execute-api.*.amazonaws.com'], API_HOST, 8443)).toBe(false);
    expect(isRedirectedHost(['a1b2c3d4e5.execute-api.*.amazonaws.com'], 'zzzzzzzzzz.execute-api.eu-west-1.amazonaws.com', 443)).toBe(false);
    expect(isRedirectedHost(['a1b2c3d4e5.execute-api.*.amazonaws.com'], `evil.${API_HOST}`, 443)).toBe(false);
  });

  it('gives the proxy in the variables curl, Go and Rust clients read, keeping loopback and the NO_PROXY already set direct', () => {
    expect(env.HTTPS_PROXY).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const name of ['https_proxy', 'HTTP_PROXY', 'http_proxy']) expect(env[name]).toBe(env.HTTPS_PROXY);
    expect(env.NO_PROXY).toBe('127.0.0.1,localhost,::1,dynamodb.local');
    expect(env.no_proxy).toBe(env.NO_PROXY);
  });

  it('forwards an http:// request to the API host name to the gateway, with the AWS Host header', async () => {
    const { stdout } = await curl('-X', 'POST', `http://${API_HOST}/dev/@connections/abc%3D`, '--data-binary', 'hello');
    expect(stdout).toBe('gateway got it');
    expect(seen.at(-1)).toEqual({ host: API_HOST, url: '/dev/@connections/abc%3D', body: 'hello' });
  });

  it('tunnels a CONNECT to the API host name to the gateway', async () => {
    // Plain HTTP through the tunnel (curl -p) stands for the TLS a real client would speak in it.
    const { stdout } = await curl('-p', '-X', 'POST', `http://${API_HOST}:80/dev/@connections/xyz`, '--data-binary', 'tunnelled');
    expect(stdout).toBe('gateway got it');
    expect(seen.at(-1)).toEqual({ host: API_HOST, url: '/dev/@connections/xyz', body: 'tunnelled' });
  });

  it('refuses every other host and port with 403, reaching nothing', async () => {
    const before = seen.length;
    for (const target of ['https://dynamodb.eu-west-1.amazonaws.com/', `https://${API_HOST}:8443/`, 'https://zzzzzzzzzz.execute-api.eu-west-1.amazonaws.com/']) {
      const failed = await curl('-o', '/dev/null', '-w', '%{http_connect}', target).then(
        () => undefined,
        (err: { code: number; stdout: string }) => err,
      );
      expect(failed).toMatchObject({ code: 56, stdout: '403' });
    }
    const { stdout } = await curl('-w', ' %{http_code}', 'http://example.com/');
    expect(stdout).toMatch(/only reaches this API's own execute-api host names; example\.com is not one.* 403$/s);
    expect(seen.length).toBe(before);
  });

  it("tunnels DynamoDB's AWS host name to the embedded endpoint's front when the redirect routes it there", async () => {
    const front = createServer((req, res) => res.end(`front got ${req.headers.host}`));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const routed = createExecuteApiProxy({
      hosts: ['a1b2c3d4e5.execute-api.*.amazonaws.com'],
      host: '127.0.0.1',
      port: (gateway.address() as AddressInfo).port,
      routes: [{ hosts: ['dynamodb.*.amazonaws.com'], host: '127.0.0.1', port: (front.address() as AddressInfo).port }],
    });
    try {
      const routedEnv = await routed.environment({});
      const { stdout } = await run('curl', ['-sS', '-p', 'http://dynamodb.eu-west-1.amazonaws.com:80/'], { env: { PATH: process.env.PATH, ...routedEnv } });
      expect(stdout).toBe('front got dynamodb.eu-west-1.amazonaws.com');
    } finally {
      await routed.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });

  it('gives a CA bundle of the system roots and the gateway certificate when the gateway serves TLS', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-proxy-ca-'));
    const caFile = path.join(dir, 'cert.pem');
    const gatewayCert = '-----BEGIN CERTIFICATE-----\nTHE GATEWAY\n-----END CERTIFICATE-----';
    await writeFile(caFile, gatewayCert);
    const tls = createExecuteApiProxy({ hosts: [API_HOST], host: '127.0.0.1', port: 1, caFile });
    try {
      const tlsEnv = await tls.environment({});
      expect(tlsEnv.CURL_CA_BUNDLE).toBe(tlsEnv.SSL_CERT_FILE);
      const bundle = await readFile(tlsEnv.SSL_CERT_FILE!, 'utf8');
      expect(bundle.endsWith(`${gatewayCert}\n`)).toBe(true);
      if (existsSync('/etc/ssl/certs/ca-certificates.crt')) expect(bundle.startsWith(await readFile('/etc/ssl/certs/ca-certificates.crt', 'utf8'))).toBe(true);
      await tls.close();
      expect(existsSync(tlsEnv.SSL_CERT_FILE!)).toBe(false);
    } finally {
      await tls.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
