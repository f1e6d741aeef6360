import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { expectRefused, openClient } from '../support/ws-client.js';

// The repository's example service (what `npm start` runs), end to end through the gateway.
const serviceDir = fileURLToPath(new URL('../../examples/chat/', import.meta.url));
let gw: RunningGateway;
let connectionsDir: string;

beforeAll(async () => {
  connectionsDir = await mkdtemp(join(tmpdir(), 'wsgate-chat-'));
  const { model } = await loadService({ serviceDir, env: { ...process.env, CHAT_CONNECTIONS_DIR: connectionsDir, CHAT_TOKEN: 'let-me-in' } });
  gw = await startGateway(model, { runtime: { onLog: () => {} } });
});
afterAll(async () => {
  await gw?.close();
  await rm(connectionsDir, { recursive: true, force: true });
});

it('refuses connections without or with a wrong token (authorizer: 401, 403)', async () => {
  expect((await expectRefused(gw.address.stageUrl)).status).toBe(401);
  expect((await expectRefused(`${gw.address.stageUrl}?token=wrong`)).status).toBe(403);
});

it('broadcasts a message to every connected client through @connections and answers ping', async () => {
  const alice = await openClient(`${gw.address.stageUrl}?token=let-me-in&user=alice`);
  const bob = await openClient(`${gw.address.stageUrl}?token=let-me-in&user=bob`);
  alice.ws.send(JSON.stringify({ action: 'sendmessage', text: 'hello chat' }));
  expect(JSON.parse(await bob.nextMessage())).toEqual({ from: 'alice', text: 'hello chat' });
  expect(JSON.parse(await alice.nextMessage())).toEqual({ from: 'alice', text: 'hello chat' });
  bob.ws.send(JSON.stringify({ action: 'ping' }));
  expect(await bob.nextMessage()).toBe('pong');
  alice.ws.close();
  bob.ws.close();
});
