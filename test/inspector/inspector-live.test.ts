import { afterEach, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/create-gateway.js';
import { repoRoot } from '../support/child-cli.js';
import { openPageSocket } from '../support/page-socket.js';
import { openClient } from '../support/ws-client.js';

const SERVICE_DIR = `${repoRoot}test/fixtures/services/inspector`;

/** The real Node runtime behind the inspector. */
describe('the inspector with real handler processes', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  async function start(inspector: GatewayOptions['inspector']) {
    const { model } = await loadService({ serviceDir: SERVICE_DIR });
    gateway = createGateway(model, { port: 0, inspector, tls: false });
    return gateway.listen();
  }

  it('keeps the newest entries of a timeline and says how many it dropped', async () => {
    const address = await start({ limits: { timelineEntries: 5 } });
    const client = await openClient(address.stageUrl);
    for (let i = 0; i < 6; i++) {
      client.ws.send(`m${i}`);
      expect(await client.nextMessage()).toBe(`echo: m${i}`);
    }
    const page = await openPageSocket(address.port);
    const snapshot = await page.until((m) => (m.type === 'snapshot' ? m : undefined));
    // The snapshot lists connections; a page asks for the timeline it shows.
    const [{ connectionId }] = snapshot.connections;
    page.act({ type: 'select', connectionId });
    const { connection, timeline } = await page.until((m) => (m.type === 'timeline' && m.connectionId === connectionId ? m : undefined));
    expect(timeline).toHaveLength(5);
    expect(connection.framesIn).toBe(6);
    // At least connect + 6 × (frame, route, response), besides the handler's log lines: all but the newest 5 dropped.
    expect(connection.dropped).toBeGreaterThanOrEqual(1 + 6 * 3 - 5);
    expect(timeline.at(-1)).toMatchObject({ kind: 'frame-out', text: 'echo: m5' });
    await client.close();
    await page.client.close();
  });

  it('injects a timeout and a cold start into the next invocations of a function', async () => {
    const address = await start(true);
    const client = await openClient(address.stageUrl);
    client.ws.send('warm up');
    expect(await client.nextMessage()).toBe('echo: warm up');
    const page = await openPageSocket(address.port);
    const [{ connectionId }] = (await page.until((m) => (m.type === 'snapshot' ? m : undefined))).connections;
    page.act({ type: 'select', connectionId });
    await page.until((m) => (m.type === 'timeline' ? m : undefined));

    page.act({ type: 'fault', functionKey: 'echo', kind: 'timeout', count: 1 });
    await page.until((m) => (m.type === 'result' && /timeout armed/.test(m.text) ? m : undefined));
    client.ws.send('slow');
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ message: 'Internal server error' });
    await page.until((m) => (m.type === 'entry' && m.entry.kind === 'failure' && /echo failed \(timeout, injected\)/.test(m.entry.text) ? m : undefined));

    page.act({ type: 'fault', functionKey: 'echo', kind: 'cold-start', count: 1 });
    await page.until((m) => (m.type === 'result' && /cold-start armed/.test(m.text) ? m : undefined));
    client.ws.send('fresh');
    expect(await client.nextMessage()).toBe('echo: fresh');
    // The module loaded again: its init line belongs to this invocation.
    await page.until((m) => (m.type === 'entry' && m.entry.kind === 'log' && m.entry.text === 'cold start of inspector-test-dev-echo' ? m : undefined));

    page.act({ type: 'fault', functionKey: 'nope', kind: 'error', count: 1 });
    await page.until((m) => (m.type === 'result' && m.ok === false && m.text === 'No function nope' ? m : undefined));
    await client.close();
    await page.client.close();
  });
});
