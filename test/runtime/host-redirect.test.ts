import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { applyHostRedirect, executeApiHosts, NODE_REDIRECT_PRELOAD, PYTHON_SITE_DIR } from '../../src/runtime/host-redirect.js';
import { buildModel } from '../support/build-model.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { createTestInvoker } from '../support/test-invoker.js';
import { openClient } from '../support/ws-client.js';

const run = promisify(execFile);
const SYSTEM_PYTHON = '/usr/bin/python3';

let server: Server | undefined;
let gw: RunningGateway | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await gw?.close();
  gw = undefined;
});

/** A local HTTP server standing in for the gateway; it records the Host header of every request. */
async function startRecorder(): Promise<{ port: number; hosts: (string | undefined)[] }> {
  const hosts: (string | undefined)[] = [];
  server = createServer((req, res) => {
    hosts.push((req.headers as IncomingHttpHeaders).host);
    res.end(`reached ${req.url}`);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hosts };
}

function redirectEnv(port: number, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...extra };
  applyHostRedirect(env, { hosts: executeApiHosts('abcdefghij'), host: '127.0.0.1', port });
  return env;
}

describe('host redirect: Node handler processes', () => {
  it('connects the local API id in any region to the gateway (http, https agents and fetch), keeping the Host header', async () => {
    const { port, hosts } = await startRecorder();
    const script = `
      const http = require('node:http');
      const get = (url) => new Promise((resolve, reject) => http.get(url, (res) => { let b = ''; res.on('data', (c) => b += c); res.on('end', () => resolve(b)); }).on('error', reject));
      (async () => {
        console.log(await get('http://abcdefghij.execute-api.eu-west-1.amazonaws.com/dev/a'));
        console.log(await (await fetch('http://ABCDEFGHIJ.execute-api.ap-south-1.amazonaws.com/dev/b')).text());
        // net.connect(port, host), as lower-level clients call it.
        const raw = require('node:net').connect(80, 'abcdefghij.execute-api.us-east-1.amazonaws.com', () =>
          raw.write('GET /dev/c HTTP/1.1\\r\\nHost: abcdefghij.execute-api.us-east-1.amazonaws.com\\r\\nConnection: close\\r\\n\\r\\n'));
        let answer = '';
        raw.on('data', (chunk) => (answer += chunk));
        await new Promise((resolve) => raw.on('end', resolve));
        console.log(answer.split('\\r\\n\\r\\n')[1]);
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await run(process.execPath, ['-e', script], { env: redirectEnv(port) });
    expect(stdout.trim().split('\n')).toEqual(['reached /dev/a', 'reached /dev/b', 'reached /dev/c']);
    // URLs lower-case their host names; the match ignores case either way.
    expect(hosts).toEqual([
      'abcdefghij.execute-api.eu-west-1.amazonaws.com',
      'abcdefghij.execute-api.ap-south-1.amazonaws.com',
      'abcdefghij.execute-api.us-east-1.amazonaws.com',
    ]);
  });

  it('leaves every other host to the normal resolution (another API id, another domain)', async () => {
    const { port, hosts } = await startRecorder();
    // A lookup of our own answers instead of DNS: the test learns which names were resolved, and nothing leaves the machine.
    const script = `
      const http = require('node:http');
      const looked = [];
      const lookup = (host, options, callback) => { looked.push(host); callback(new Error('resolution stopped by the test')); };
      const attempt = (host) => new Promise((resolve) => http.get({ host, port: 80, path: '/', lookup }, () => resolve('connected')).on('error', (e) => resolve(e.message)));
      (async () => {
        await attempt('klmnopqrst.execute-api.eu-west-1.amazonaws.com');
        await attempt('abcdefghij.execute-api.eu-west-1.amazonaws.com.example.org');
        await attempt('dynamodb.eu-west-1.amazonaws.com');
        console.log(JSON.stringify(looked));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', script], { env: redirectEnv(port) });
    expect(JSON.parse(stdout)).toEqual([
      'klmnopqrst.execute-api.eu-west-1.amazonaws.com',
      'abcdefghij.execute-api.eu-west-1.amazonaws.com.example.org',
      'dynamodb.eu-west-1.amazonaws.com',
    ]);
    expect(hosts).toEqual([]);
  });

  it('keeps NODE_OPTIONS and PYTHONPATH of the function after its own entries', () => {
    const env = redirectEnv(3001, { NODE_OPTIONS: '--max-old-space-size=256', PYTHONPATH: '/opt/python' });
    expect(env.NODE_OPTIONS).toBe(`--require ${JSON.stringify(NODE_REDIRECT_PRELOAD)} --max-old-space-size=256`);
    expect(env.PYTHONPATH!.split(':')).toEqual([PYTHON_SITE_DIR, '/opt/python']);
    expect(env.WSGATE_HOST_MAP).toBe('abcdefghij.execute-api.*.amazonaws.com=127.0.0.1:3001');
    expect(existsSync(NODE_REDIRECT_PRELOAD)).toBe(true);
  });
});

describe.skipIf(!existsSync(SYSTEM_PYTHON))('host redirect: Python handler processes', () => {
  it('connects the local API id to the gateway from urllib and leaves other hosts alone', async () => {
    const { port, hosts } = await startRecorder();
    const script = [
      'import socket, urllib.request',
      "print(urllib.request.urlopen('http://abcdefghij.execute-api.eu-west-1.amazonaws.com/dev/py').read().decode())",
      "print(socket.getaddrinfo('localhost', 443)[0][4][1])",
    ].join('\n');
    const { stdout } = await run(SYSTEM_PYTHON, ['-c', script], { env: redirectEnv(port) });
    expect(stdout.trim().split('\n')).toEqual(['reached /dev/py', '443']);
    expect(hosts).toEqual(['abcdefghij.execute-api.eu-west-1.amazonaws.com']);
  });

  it('still runs the sitecustomize it shadows (a layer\'s, the distribution\'s)', async () => {
    const { port } = await startRecorder();
    const layer = mkdtempSync(path.join(tmpdir(), 'wsgate-python-layer-'));
    try {
      writeFileSync(path.join(layer, 'sitecustomize.py'), "import builtins\nbuiltins.LAYER_SITE = 'ran'\n");
      const env = redirectEnv(port, { PYTHONPATH: layer });
      const { stdout } = await run(SYSTEM_PYTHON, ['-c', 'print(LAYER_SITE)'], { env });
      expect(stdout.trim()).toBe('ran');
    } finally {
      rmSync(layer, { recursive: true, force: true });
    }
  });

  it("lets boto3's apigatewaymanagementapi post over TLS to https://{apiId}.execute-api.{region}.amazonaws.com/{stage}", async () => {
    const probe = await run(SYSTEM_PYTHON, ['-c', 'import boto3']).then(
      () => true,
      () => false,
    );
    if (!probe) return expect.fail(`boto3 is missing for ${SYSTEM_PYTHON} (Debian package python3-boto3)`);
    const invoker = createTestInvoker({ connect: () => ({ statusCode: 200 }) });
    gw = await startGateway(buildModel([{ routeKey: '$connect', functionKey: 'connect' }], { stage: 'dev' }), { invoker });
    const client = await openClient(gw.address.stageUrl);
    const { event } = await invoker.nextInvocation('connect');
    const { apiId, connectionId } = event.requestContext as { apiId: string; connectionId: string };
    const env = { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' };
    applyHostRedirect(env, { hosts: executeApiHosts(apiId), host: '127.0.0.1', port: gw.address.port, caFile: gw.gateway.certificateFile! });
    const script = [
      'import os, boto3',
      "api = boto3.client('apigatewaymanagementapi', endpoint_url=os.environ['ENDPOINT'])",
      "api.post_to_connection(ConnectionId=os.environ['CONNECTION_ID'], Data=b'from boto3')",
    ].join('\n');
    await run(SYSTEM_PYTHON, ['-c', script], {
      env: { ...env, ENDPOINT: `https://${apiId}.execute-api.us-east-1.amazonaws.com/dev`, CONNECTION_ID: connectionId },
    });
    expect(await client.nextMessage()).toBe('from boto3');
    await client.close();
  });
});
