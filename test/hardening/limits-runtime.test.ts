import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import type { ServiceModel } from '../../src/config/model.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { expectRefused, openClient } from '../support/ws-client.js';

// The integration timeout (29 s on AWS) with real handler processes, shortened through the option.
const serviceDir = fileURLToPath(new URL('../fixtures/services/hardening-limits-runtime/', import.meta.url));
const integrationTimeoutMs = 1000;
let model: ServiceModel;
beforeAll(async () => {
  ({ model } = await loadService({ serviceDir }));
});

describe('integration timeout', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(model, { limits: { integrationTimeoutMs }, runtime: { onLog: () => {} } });
    // Warm the echo function, so a slow cold start on a busy machine does not count against the timeout below.
    const client = await openClient(gw.address.stageUrl);
    for (let attempt = 0; attempt < 5; attempt++) {
      client.ws.send('warm');
      if ((await client.nextMessage()) === 'echo: warm') break;
    }
    client.ws.close();
  });
  afterAll(() => gw?.close());

  it('cuts a message handler at the timeout: Internal server error frame, and the next call gets a fresh instance', async () => {
    const client = await openClient(gw.address.stageUrl);
    const started = performance.now();
    client.ws.send('{"action":"hang"}');
    const frame = JSON.parse(await client.nextMessage());
    expect(performance.now() - started).toBeGreaterThanOrEqual(integrationTimeoutMs - 10);
    expect(frame).toEqual({ message: 'Internal server error', connectionId: expect.any(String), requestId: expect.any(String) });
    const record = await gw.waitForRecord((r) => r.eventType === 'MESSAGE' && r.routeKey === 'hang');
    expect(record.error).toEqual({ message: 'Internal server error', responseType: 'INTEGRATION_TIMEOUT' });
    expect(record.integration?.error).toContain('Task timed out after 1.00 seconds');

    // The same connection keeps working, and the hanging function answers (with a timeout) again.
    client.ws.send('hello');
    expect(await client.nextMessage()).toBe('echo: hello');
    client.ws.send('{"action":"hang"}');
    expect(JSON.parse(await client.nextMessage()).message).toBe('Internal server error');
    client.ws.close();
  });

  it('refuses the upgrade with 502 when $connect outlives the timeout', async () => {
    const refused = await expectRefused(`${gw.address.stageUrl}?hang=1`);
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Internal server error' });
    const record = await gw.waitForRecord((r) => r.eventType === 'CONNECT' && r.status === 502);
    expect(record.integration?.error).toContain('Task timed out after 1.00 seconds');
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('after');
    expect(await client.nextMessage()).toBe('echo: after');
    client.ws.close();
  });
});

describe('signed @connections from a handler', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    // Signatures required, with no extra credentials: the handler's SDK call must pass with its process's own.
    gw = await startGateway(model, { requireSignatures: { credentials: [] }, runtime: { onLog: () => {} } });
  });
  afterAll(() => gw?.close());

  it('accepts the SigV4 signature of a handler calling https://{domainName}/{stage} with its own credentials', async () => {
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('{"action":"pushBack"}');
    const frames = [await client.nextMessage(), await client.nextMessage()];
    expect(frames).toEqual(['pushed by the handler', 'push ok']);
    const post = gw.management.find((m) => m.operation === 'PostToConnection');
    expect(post?.status).toBe(200);
    client.ws.close();
  });
});
