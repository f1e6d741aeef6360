import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RedisStatus } from '../../src/registry/redis/redis-registry.js';
import { startEchoGateway, type EchoGateway } from '../support/echo-gateway.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { createWaitableList, type WaitableList } from '../support/waitable-list.js';

let redis: TestRedis;
const nodes: EchoGateway[] = [];

beforeEach(async () => {
  redis = await startTestRedis();
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.close()));
  await redis.stop();
});

async function startNode(nodeId: string): Promise<EchoGateway & { statuses: WaitableList<RedisStatus> }> {
  const statuses = createWaitableList<RedisStatus>();
  const node = await startEchoGateway({ tls: false, redis: { url: redis.url, nodeId, onStatus: statuses.push } });
  nodes.push(node);
  return { ...node, statuses };
}

async function post(node: EchoGateway, connectionId: string, body: string): Promise<{ status: number; errorType: string | null; body: string }> {
  const res = await fetch(`${node.address.connectionsUrl}/${encodeURIComponent(connectionId)}`, { method: 'POST', body });
  return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), body: await res.text() };
}

describe('Redis unavailable', () => {
  it('each node keeps serving its own connections, answers 500 for the others, reports the outage once and recovers', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    const onA = await a.connect();
    const onB = await b.connect();
    await redis.kill();
    expect(await a.statuses.waitFor((status) => status.kind === 'down')).toMatchObject({ kind: 'down' });

    // Local work goes on: messages, route responses, new connections, local posts.
    onA.client.ws.send('still here');
    expect(await onA.client.nextMessage()).toBe('still here');
    await a.expectHealthy();
    expect(await post(a, onA.connectionId, 'local post')).toMatchObject({ status: 200 });
    expect(await onA.client.nextMessage()).toBe('local post');
    // Whose the connection is cannot be known: API Gateway's internal failure, not a false 410.
    expect(await post(a, onB.connectionId, 'cross')).toEqual({
      status: 500,
      errorType: 'InternalServerErrorException',
      body: '{"message":"Internal server error"}',
    });

    await redis.restart();
    const [upA, upB] = await Promise.all([a.statuses.waitFor((s) => s.kind === 'up'), b.statuses.waitFor((s) => s.kind === 'up')]);
    // Redis came back empty: each node wrote its connections again (the client of expectHealthy has left).
    expect(upA).toEqual({ kind: 'up', resynced: 1 });
    expect(upB).toEqual({ kind: 'up', resynced: 1 });
    expect(a.statuses.items.filter((s) => s.kind === 'down')).toHaveLength(1);
    expect(await post(a, onB.connectionId, 'after')).toMatchObject({ status: 200 });
    expect(await onB.client.nextMessage()).toBe('after');
    expect(await post(b, onA.connectionId, 'back')).toMatchObject({ status: 200 });
    expect(await onA.client.nextMessage()).toBe('back');
  });

  it('under load, a Redis restart never answers 410 for a live connection and never duplicates or reorders a frame', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    const onB = await b.connect();
    const answers: number[] = [];
    let sent = 0;
    let restarted = false;
    let warmedUp!: () => void;
    const warm = new Promise<void>((resolve) => (warmedUp = resolve));
    const load = (async () => {
      // Posts one after another from a to b's client until the restart is over and five more got through.
      let afterRestart = 0;
      while (afterRestart < 5) {
        const n = sent++;
        const { status } = await post(a, onB.connectionId, String(n));
        answers[n] = status;
        if (n === 19) warmedUp();
        if (restarted && status === 200) afterRestart++;
      }
    })();
    await warm;
    expect(answers).toEqual(Array(20).fill(200));
    await redis.kill();
    await a.statuses.waitFor((s) => s.kind === 'down');
    await redis.restart();
    await Promise.all([a.statuses.waitFor((s) => s.kind === 'up'), b.statuses.waitFor((s) => s.kind === 'up')]);
    restarted = true;
    await load;

    expect(answers.filter((status) => status !== 200 && status !== 500)).toEqual([]);
    expect(answers.filter((status) => status === 500).length).toBeGreaterThan(0);
    // A 500 may still have been delivered (the answer was lost with Redis); a 200 always was, once, in order.
    onB.client.ws.send('end');
    const received: number[] = [];
    for (;;) {
      const text = await onB.client.nextMessage();
      if (text === 'end') break;
      received.push(Number(text));
    }
    expect(received).toEqual([...new Set(received)].sort((x, y) => x - y));
    const delivered = new Set(received);
    answers.forEach((status, n) => {
      if (status === 200) expect(delivered.has(n)).toBe(true);
    });
  });
});
