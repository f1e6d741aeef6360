import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import AWS from 'aws-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { openClient, type TestClient } from '../support/ws-client.js';

// Nothing lost: many connections and messages, echoed by route response and by @connections posts (from the
// handlers and from an outside caller); every frame arrives exactly once and each caller's posts in order.
// Kept to a few seconds; `node bench/soak.mjs` runs the long version against `wsgate dev`.

const serviceDir = fileURLToPath(new URL('../fixtures/services/hardening-soak-basic/', import.meta.url));
const CONNECTIONS = 20;
const MESSAGES = 40; // per connection: half echoed by route response, half by posts from the handler
const PARTS = 3; // posts per `post` message, sent one after the other by one invocation
const OUTSIDE_POSTS = 20; // per connection, by the test through the SDK v3 (even) or v2 (odd), one after the other

let gw: RunningGateway;
beforeAll(async () => {
  const { model } = await loadService({ serviceDir });
  gw = await startGateway(model, { runtime: { onLog: () => {} } });
});
afterAll(() => gw?.close());

interface MemorySample {
  /** This process: the gateway and the test's clients. */
  gateway: number;
  /** Every handler process the gateway started. */
  handlers: number;
  instances: number;
}

/** RSS in bytes, read from /proc. */
function memoryNow(): MemorySample {
  const sample = { gateway: process.memoryUsage().rss, handlers: 0, instances: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (rss) {
        sample.handlers += Number(rss[1]) * 1024;
        sample.instances++;
      }
    } catch {
      // Gone while we looked.
    }
  }
  return sample;
}

function maxSample(a: MemorySample, b: MemorySample): MemorySample {
  return { gateway: Math.max(a.gateway, b.gateway), handlers: Math.max(a.handlers, b.handlers), instances: Math.max(a.instances, b.instances) };
}

interface Tally {
  expected: Set<string>;
  counts: Map<string, number>;
  reordered: number;
}

/** Counts frames by id and checks that the posts of each caller arrive in the order they were made. */
function tallyFrames(frames: string[], expected: Set<string>): Tally {
  const counts = new Map<string, number>();
  const lastPart = new Map<string, number>();
  let reordered = 0;
  for (const frame of frames) {
    counts.set(frame, (counts.get(frame) ?? 0) + 1);
    const caller = /^(.*)#(\d+)$/.exec(frame);
    if (!caller) continue;
    const [, callerId, part] = caller;
    if (Number(part) <= (lastPart.get(callerId!) ?? -1)) reordered++;
    lastPart.set(callerId!, Number(part));
  }
  return { expected, counts, reordered };
}

describe('soak', () => {
  it(`${CONNECTIONS} connections × ${MESSAGES} messages: every message arrives exactly once, each caller's posts in order`, async () => {
    let peak = memoryNow();
    const sampler = setInterval(() => (peak = maxSample(peak, memoryNow())), 100);
    const started = Date.now();
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => openClient(gw.address.stageUrl)));
    const frames: string[][] = clients.map(() => []);
    clients.forEach((client, c) => client.ws.on('message', (data) => frames[c]!.push(data.toString())));
    // The ids the gateway gave: an echo tells the connection its own id is not needed; records carry them.
    const ids = await Promise.all(clients.map((client, c) => connectionIdOf(client, c)));

    const expected = clients.map(() => new Set<string>());
    const messageRecords = gw.records.filter((r) => r.eventType === 'MESSAGE').length;
    clients.forEach((client, c) => {
      for (let m = 0; m < MESSAGES; m++) {
        const id = `c${c}m${m}`;
        if (m % 2 === 0) {
          expected[c]!.add(id);
          client.ws.send(JSON.stringify({ action: 'echo', id }));
        } else {
          for (let part = 0; part < PARTS; part++) expected[c]!.add(`${id}#${part}`);
          client.ws.send(JSON.stringify({ action: 'post', id, parts: PARTS }));
        }
      }
    });
    const credentials = { accessKeyId: 'AKIDSOAK', secretAccessKey: 'soak' };
    const v3 = new ApiGatewayManagementApiClient({ endpoint: gw.address.managementEndpoint, region: 'us-east-1', credentials });
    const v2 = new AWS.ApiGatewayManagementApi({ apiVersion: '2018-11-29', endpoint: gw.address.managementEndpoint, region: 'us-east-1', credentials: new AWS.Credentials(credentials) });
    await Promise.all(
      ids.map(async (connectionId, c) => {
        for (let k = 0; k < OUTSIDE_POSTS; k++) {
          const frame = `c${c}outside#${k}`;
          expected[c]!.add(frame);
          if (c % 2 === 0) await v3.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(frame) }));
          else await v2.postToConnection({ ConnectionId: connectionId, Data: Buffer.from(frame) }).promise();
        }
      }),
    );
    v3.destroy();
    // Every message was routed and answered (its frames and posts are written before its record)…
    await gw.waitForRecord(() => gw.records.filter((r) => r.eventType === 'MESSAGE').length >= messageRecords + CONNECTIONS * MESSAGES);
    // …so a last echo on each connection arrives after all of them: TCP keeps a connection's frames in order.
    await Promise.all(clients.map((client, c) => sendAndAwait(client, frames[c]!, `c${c}last`)));
    clearInterval(sampler);
    peak = maxSample(peak, memoryNow());

    const failed = gw.records.filter((r) => r.eventType === 'MESSAGE' && r.status !== 200);
    expect(failed).toEqual([]);
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    let unexpected = 0;
    clients.forEach((_, c) => {
      const tally = tallyFrames(frames[c]!.filter((f) => f.startsWith(`c${c}`) && f !== `c${c}last` && f !== `c${c}who`), expected[c]!);
      for (const id of tally.expected) {
        const seen = tally.counts.get(id) ?? 0;
        if (seen === 0) lost++;
        else delivered++;
        if (seen > 1) duplicated += seen - 1;
      }
      for (const id of tally.counts.keys()) if (!tally.expected.has(id)) unexpected++;
      reordered += tally.reordered;
      // Nothing from another connection arrives here.
      expect(frames[c]!.filter((f) => !f.startsWith(`c${c}`) && /^c\d/.test(f))).toEqual([]);
    });
    const figures = {
      connections: CONNECTIONS,
      messages: CONNECTIONS * MESSAGES,
      outsidePosts: CONNECTIONS * OUTSIDE_POSTS,
      framesExpected: expected.reduce((n, set) => n + set.size, 0),
      delivered,
      lost,
      duplicated,
      reordered,
      unexpected,
      peakGatewayRssMB: Math.round(peak.gateway / 1048576),
      peakHandlersRssMB: Math.round(peak.handlers / 1048576),
      peakHandlerProcesses: peak.instances,
      seconds: (Date.now() - started) / 1000,
    };
    console.log(`soak: ${JSON.stringify(figures)}`);
    expect(figures).toMatchObject({ delivered: figures.framesExpected, lost: 0, duplicated: 0, reordered: 0, unexpected: 0 });

    // Every connection closes cleanly and gets its $disconnect.
    await Promise.all(clients.map((client) => (client.ws.close(1000), client.closed)));
    for (const id of ids) await gw.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === id);
    expect(gw.records.filter((r) => r.eventType === 'DISCONNECT' && ids.includes(r.connectionId) && r.status === 200)).toHaveLength(CONNECTIONS);
  });
});

describe('churn', () => {
  it('200 connections come and go (close frames and drops): one $disconnect each, with the right code, and no id outlives its connection', async () => {
    const ROUNDS = 200;
    const CONCURRENCY = 20;
    const before = gw.records.length;
    let next = 0;
    const ended = new Map<string, number>(); // churn id → the close code the gateway should report
    const worker = async () => {
      while (next < ROUNDS) {
        const i = next++;
        const id = `churn${i}`;
        const client = await openClient(gw.address.stageUrl);
        client.ws.send(JSON.stringify({ action: 'echo', id }));
        expect(await client.nextMessage()).toBe(id);
        client.ws.send(JSON.stringify({ action: 'post', id, parts: 2 }));
        expect([await client.nextMessage(), await client.nextMessage()]).toEqual([`${id}#0`, `${id}#1`]);
        if (i % 3 === 0) {
          client.ws.terminate();
          ended.set(id, 1006);
        } else {
          client.ws.close(4000 + (i % 100), 'bye');
          ended.set(id, 4000 + (i % 100));
          await client.closed;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const recent = () => gw.records.slice(before);
    const connected = recent().filter((r) => r.eventType === 'CONNECT' && r.status === 200).map((r) => r.connectionId);
    expect(connected).toHaveLength(ROUNDS);
    for (const connectionId of connected) await gw.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === connectionId);
    const disconnects = recent().filter((r) => r.eventType === 'DISCONNECT');
    expect(disconnects).toHaveLength(ROUNDS);
    expect(new Set(disconnects.map((r) => r.connectionId)).size).toBe(ROUNDS);
    for (const [id, code] of ended) {
      const message = recent().find((r) => r.eventType === 'MESSAGE' && r.requestBody === JSON.stringify({ action: 'echo', id }))!;
      const disconnect = disconnects.find((r) => r.connectionId === message.connectionId)!;
      expect(disconnect).toMatchObject({ status: 200, disconnectStatusCode: code });
    }
    // A closed connection is gone for @connections too.
    const sdk = new ApiGatewayManagementApiClient({ endpoint: gw.address.managementEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
    for (const connectionId of connected.slice(0, 20)) {
      await expect(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('late') }))).rejects.toMatchObject({ name: 'GoneException' });
    }
    sdk.destroy();
    for (const connectionId of connected) {
      expect((await fetch(`${gw.address.connectionsUrl}/${encodeURIComponent(connectionId)}`)).status).toBe(410);
    }
  });
});

async function sendAndAwait(client: TestClient, frames: string[], id: string): Promise<void> {
  const arrived = new Promise<void>((resolve) => {
    const onMessage = (data: Buffer) => {
      if (data.toString() === id) {
        client.ws.off('message', onMessage);
        resolve();
      }
    };
    client.ws.on('message', onMessage);
  });
  client.ws.send(JSON.stringify({ action: 'echo', id }));
  await arrived;
  expect(frames.at(-1)).toBe(id);
}

/** The connection id, from the MESSAGE record of a first echo sent on that connection. */
async function connectionIdOf(client: TestClient, c: number): Promise<string> {
  const id = `c${c}who`;
  const answered = new Promise<void>((resolve) => client.ws.on('message', (data: Buffer) => data.toString() === id && resolve()));
  client.ws.send(JSON.stringify({ action: 'echo', id }));
  await answered;
  const record = await gw.waitForRecord((r) => r.eventType === 'MESSAGE' && r.requestBody === JSON.stringify({ action: 'echo', id }));
  return record.connectionId;
}
