import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { expectRefused, openClient } from '../support/ws-client.js';

// examples/chat run for real: loaded by loadService, served by the gateway, its handlers in real
// processes posting through @connections with the AWS SDK v3.
const serviceDir = fileURLToPath(new URL('../../examples/chat/', import.meta.url));
const connectionsDir = mkdtempSync(path.join(os.tmpdir(), 'wsgate-chat-connections-'));
let gw: RunningGateway;

beforeAll(async () => {
  const { model, warnings } = await loadService({ serviceDir, env: { CHAT_CONNECTIONS_DIR: connectionsDir } });
  expect(warnings).toEqual([]);
  gw = await startGateway(model, { runtime: { onLog: () => {} } });
});
afterAll(async () => {
  await gw?.close();
  rmSync(connectionsDir, { recursive: true, force: true });
});

describe('examples/chat', () => {
  it('uses every websocket feature of the seed document', async () => {
    const { model } = await loadService({ serviceDir, env: {} });
    expect(model.websocket.routes.map((r) => r.routeKey)).toEqual(['$connect', '$disconnect', '$default', 'sendmessage', 'ping']);
    expect(model.websocket.routes[0].authorizer).toEqual({
      kind: 'function',
      name: 'auth',
      functionKey: 'auth',
      identitySource: ['route.request.querystring.token'],
    });
    expect(model.websocket.routes[4].routeResponseSelectionExpression).toBe('$default');
    expect(model.websocket.logs?.logGroupName).toBe('/aws/websocket/wsgate-chat-dev');
  });

  it('refuses a missing token with 401 and a wrong one with 403', async () => {
    expect((await expectRefused(gw.address.stageUrl)).status).toBe(401);
    expect((await expectRefused(`${gw.address.stageUrl}?token=wrong`)).status).toBe(403);
  });

  it('answers ping through the route response, broadcasts sendmessage, replies to unknown actions', async () => {
    const ann = await openClient(`${gw.address.stageUrl}?token=let-me-in&user=ann`);
    const bob = await openClient(`${gw.address.stageUrl}?token=let-me-in&user=bob`);
    expect(readdirSync(connectionsDir)).toHaveLength(2);

    ann.ws.send(JSON.stringify({ action: 'ping' }));
    expect(await ann.nextMessage()).toBe('pong');

    bob.ws.send(JSON.stringify({ action: 'sendmessage', text: 'hi all' }));
    const expected = { from: 'bob', text: 'hi all' };
    expect(JSON.parse(await ann.nextMessage())).toEqual(expected);
    expect(JSON.parse(await bob.nextMessage())).toEqual(expected);

    ann.ws.send('not json');
    expect(JSON.parse(await ann.nextMessage())).toMatchObject({ error: 'unknown action', received: 'not json' });

    ann.ws.close();
    bob.ws.close();
    await Promise.all([ann.closed, bob.closed]);
    // $disconnect forgets both connections.
    const first = await gw.waitForRecord((r) => r.eventType === 'DISCONNECT');
    await gw.waitForRecord((r) => r.eventType === 'DISCONNECT' && r !== first);
    expect(readdirSync(connectionsDir)).toEqual([]);
  });
});
