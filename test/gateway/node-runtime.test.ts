import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { createWaitableList } from '../support/waitable-list.js';
import { expectRefused, openClient } from '../support/ws-client.js';

const serviceDir = fileURLToPath(new URL('../fixtures/services/gateway-chat/', import.meta.url));
let gw: RunningGateway;
// Handler output comes through a pipe, results through the IPC channel: in no fixed order, so tests wait for lines.
const logs = createWaitableList<string>();

beforeAll(async () => {
  const { model } = await loadService({ serviceDir });
  // No injected invoker: the gateway runs the handlers with the Node runtime, as `wsgate dev` does.
  gw = await startGateway(model, { runtime: { onLog: (entry) => logs.push(`[${entry.functionKey}] ${entry.line}`) } });
});
afterAll(() => gw?.close());

describe('the gateway with real handler processes', () => {
  it('runs $connect and a route response handler, with the Lambda context and environment', async () => {
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('{"action":"whoami"}');
    expect(JSON.parse(await client.nextMessage())).toEqual({
      functionName: 'gateway-chat-dev-whoami',
      greeting: 'hello',
      region: 'us-east-1',
      routeKey: 'whoami',
    });
    client.ws.send('plain text');
    expect(await client.nextMessage()).toBe('echo: plain text');
    client.ws.close(4000, 'done');
    const record = await gw.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === (gw.records.find((c) => c.eventType === 'CONNECT')?.connectionId));
    expect(record.disconnectStatusCode).toBe(4000);
    expect(record.status).toBe(200);
  });

  it('refuses the upgrade with the status $connect returns', async () => {
    expect((await expectRefused(`${gw.address.stageUrl}?token=bad`)).status).toBe(401);
  });

  it('lets a handler call @connections over https://{domainName}/{stage} with the SDK v3', async () => {
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('{"action":"pushV3"}');
    expect(await client.nextMessage()).toBe('pushed by v3');
    client.ws.close();
  });

  it('answers the Internal server error frame when a handler process exits, and stays up', async () => {
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('{"action":"crash"}');
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ message: 'Internal server error' });
    client.ws.send('after the crash');
    expect(await client.nextMessage()).toBe('echo: after the crash');
    client.ws.close();
  });

  it('answers the Internal server error frame when a handler loops past its timeout, and stays up', async () => {
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('{"action":"spin"}');
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ message: 'Internal server error' });
    const record = await gw.waitForRecord((r) => r.eventType === 'MESSAGE' && r.routeKey === 'spin');
    expect(record.status).toBe(500);
    expect(record.durationMs).toBeGreaterThanOrEqual(1000);
    client.ws.send('{"action":"whoami"}');
    expect(JSON.parse(await client.nextMessage()).routeKey).toBe('whoami');
    client.ws.close();
  });

  it('shows handler console output with the function name', async () => {
    const client = await openClient(gw.address.stageUrl);
    const record = await gw.waitForRecord((r) => r.eventType === 'CONNECT' && r.status === 200);
    await logs.waitFor((line) => line === `[connect] connect ${record.connectionId}`);
    client.ws.close();
  });
});
