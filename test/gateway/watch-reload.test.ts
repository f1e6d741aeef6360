import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { openClient } from '../support/ws-client.js';

const fixture = fileURLToPath(new URL('../fixtures/services/gateway-watch/', import.meta.url));
let gw: RunningGateway | undefined;
let dir: string | undefined;
afterEach(async () => {
  await gw?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  gw = undefined;
  dir = undefined;
});

it('reloads an edited handler for the next message without dropping the open connection', async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsgate-watch-'));
  await cp(fixture, dir, { recursive: true });
  const { model } = await loadService({ serviceDir: dir });
  let reloaded!: () => void;
  const reload = new Promise<void>((resolve) => (reloaded = resolve));
  gw = await startGateway(model, { runtime: { watch: true, onReload: () => reloaded(), onLog: () => {} } });

  const client = await openClient(gw.address.stageUrl);
  let closedEarly = false;
  void client.closed.then(() => (closedEarly = true));
  client.ws.send('first');
  expect(await client.nextMessage()).toBe('version 1');

  const file = join(dir, 'handler.js');
  await writeFile(file, (await readFile(file, 'utf8')).replace("'version 1'", "'version 2'"));
  await reload;
  client.ws.send('second');
  expect(await client.nextMessage()).toBe('version 2');
  expect(closedEarly).toBe(false);
  const messages = gw.records.filter((r) => r.eventType === 'MESSAGE');
  expect(new Set(messages.map((m) => m.connectionId)).size).toBe(1);
  client.ws.close();
});
