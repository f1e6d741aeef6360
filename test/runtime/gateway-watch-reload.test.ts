import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { openClient } from '../support/ws-client.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/services/runtime-watch/', import.meta.url));

// Issue point 6 end to end: editing a handler under `wsgate dev` reloads it for the next message, while the
// client's WebSocket connection stays open.
describe('watch mode behind the gateway', () => {
  let dir: string;
  let gw: RunningGateway;
  let reloads: Array<() => void> = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-runtime-watch-'));
    await cp(FIXTURE, dir, { recursive: true });
    const { model } = await loadService({ serviceDir: dir });
    gw = await startGateway(model, {
      runtime: {
        watch: true,
        onLog: () => {},
        onReload: () => {
          const waiting = reloads;
          reloads = [];
          for (const resolve of waiting) resolve();
        },
      },
    });
  });

  afterAll(async () => {
    await gw?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers with the edited handler on the same open connection', async () => {
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('first');
    expect(await client.nextMessage()).toBe('v1: first');

    const reloaded = new Promise<void>((resolve) => reloads.push(resolve));
    await writeFile(
      path.join(dir, 'src', 'reply.js'),
      'exports.handler = async (event) => ({ statusCode: 200, body: `v2: ${event.body}` });\n',
    );
    await reloaded;

    client.ws.send('second');
    expect(await client.nextMessage()).toBe('v2: second');
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.ws.close(1000);
    expect((await client.closed).code).toBe(1000);
  });
});
