import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as connectTls } from 'node:tls';
import { generate } from 'selfsigned';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { openClient } from '../support/ws-client.js';

// The gateway's certificate is kept in the service's .wsgate/tls between starts; handler processes trust it
// through NODE_EXTRA_CA_CERTS, so a handler's https call to the gateway works whether it was reused or new.
const SERVERLESS_YML = `service: tls-cache
provider:
  name: aws
  runtime: nodejs20.x
functions:
  push:
    handler: handler.push
    events:
      - websocket: $default
`;
// No SDK: a plain https request, which fails unless the process trusts the gateway's certificate.
const HANDLER_JS = `const https = require('node:https');
module.exports.push = async (event) => {
  const { domainName, stage, connectionId } = event.requestContext;
  const status = await new Promise((resolve, reject) => {
    const req = https.request(\`https://\${domainName}/\${stage}/@connections/\${encodeURIComponent(connectionId)}\`, { method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end('pushed over https');
  });
  return { statusCode: status };
};
`;

let serviceDir: string;
let gw: RunningGateway | undefined;
const cacheFile = (name: string) => path.join(serviceDir, '.wsgate', 'tls', name);

beforeEach(async () => {
  serviceDir = await mkdtemp(path.join(tmpdir(), 'wsgate-tls-cache-'));
  await writeFile(path.join(serviceDir, 'serverless.yml'), SERVERLESS_YML);
  await writeFile(path.join(serviceDir, 'handler.js'), HANDLER_JS);
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  await rm(serviceDir, { recursive: true, force: true });
});

async function start(): Promise<RunningGateway> {
  const { model } = await loadService({ serviceDir });
  gw = await startGateway(model);
  return gw;
}

/** SHA-256 fingerprint of the certificate the gateway presents on a TLS connection. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** A handler process calls the gateway over https; its post arrives only if it trusted the certificate. */
async function expectHandlerTrusts(running: RunningGateway): Promise<void> {
  const client = await openClient(running.address.stageUrl);
  client.ws.send('push');
  expect(await client.nextMessage()).toBe('pushed over https');
  client.ws.close();
  await client.closed;
}

const cachedFingerprint = async () => new X509Certificate(await readFile(cacheFile('cert.pem'))).fingerprint256;

describe('the gateway certificate cache (.wsgate/tls)', () => {
  it('stores the key (mode 0600) and certificate on the first start and serves the same certificate on the second', async () => {
    const first = await start();
    const firstServed = await servedFingerprint(first.address.port);
    expect(await cachedFingerprint()).toBe(firstServed);
    expect((await stat(cacheFile('key.pem'))).mode & 0o777).toBe(0o600);
    await expectHandlerTrusts(first);
    await first.close();

    const second = await start();
    expect(await servedFingerprint(second.address.port)).toBe(firstServed);
    await expectHandlerTrusts(second);
  });

  it('replaces a corrupt cache instead of failing to start', async () => {
    await (await start()).close();
    await writeFile(cacheFile('key.pem'), 'not a key');
    await writeFile(cacheFile('cert.pem'), '-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n');

    const running = await start();
    const served = await servedFingerprint(running.address.port);
    expect(await cachedFingerprint()).toBe(served);
    expect(await readFile(cacheFile('key.pem'), 'utf8')).toContain('PRIVATE KEY');
    await expectHandlerTrusts(running);
  });

  it('replaces a cached certificate that expires within a day', async () => {
    const now = Date.now();
    const expiring = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      notBeforeDate: new Date(now - 2 * 24 * 3600_000),
      notAfterDate: new Date(now + 3600_000),
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
      ],
    });
    await (await start()).close();
    await writeFile(cacheFile('key.pem'), expiring.private);
    await writeFile(cacheFile('cert.pem'), expiring.cert);

    const running = await start();
    const served = await servedFingerprint(running.address.port);
    expect(served).not.toBe(new X509Certificate(expiring.cert).fingerprint256);
    expect(await cachedFingerprint()).toBe(served);
    expect(Date.parse(new X509Certificate(await readFile(cacheFile('cert.pem'))).validTo)).toBeGreaterThan(now + 300 * 24 * 3600_000);
    await expectHandlerTrusts(running);
  });

  it('starts with a fresh certificate when the cache cannot be written', async () => {
    // .wsgate is a file here, so neither the cache folder nor the logs folder can exist.
    await writeFile(path.join(serviceDir, '.wsgate'), 'in the way');
    const running = await start();
    await expectHandlerTrusts(running);
  });
});
