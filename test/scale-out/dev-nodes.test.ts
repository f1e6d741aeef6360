import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis-server.js';
import { openClient, type TestClient } from '../support/ws-client.js';

const config = 'test/fixtures/services/scale-out-relay/serverless.yml';
let redis: TestRedis;
let inspect: Redis;
const running: CliProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  inspect = new Redis(redis.url);
});
afterAll(async () => {
  inspect?.disconnect();
  await redis?.stop();
});
afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.pid) {
      try {
        process.kill(-cli.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await killIfRunning(cli);
  }
});

interface DevNode {
  cli: CliProcess;
  port: number;
  /** Opens a client and returns it with its connection id, read from the node's log. */
  connect(): Promise<{ client: TestClient; connectionId: string }>;
}

async function startNode(nodeId: string, args: string[] = ['--redis', redis.url], env: NodeJS.ProcessEnv = {}): Promise<DevNode> {
  const cli = runCli(['dev', '--config', config, '--port', '0', '--no-watch', '--no-inspector', '--no-dynamodb', ...args], {
    detached: true,
    env: { ...process.env, WSGATE_NODE_ID: nodeId, ...env },
  });
  running.push(cli);
  const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(await cli.waitForLine(/WebSocket:/))?.[1]);
  let connects = 0;
  return {
    cli,
    port,
    async connect() {
      const client = await openClient(`ws://127.0.0.1:${port}/dev`);
      const line = await cli.waitForLine(/CONNECT .* \$connect .*accepted 200/, ++connects);
      return { client, connectionId: /CONNECT\s+(\S+)/.exec(line)![1]! };
    },
  };
}

/** Nodes a and b on the test's Redis, and a client on b. */
async function startPair() {
  const a = await startNode('a');
  const b = await startNode('b');
  return { a, b, onB: await b.connect() };
}

const postFrom = (node: DevNode, connectionId: string, body: string) =>
  fetch(`http://127.0.0.1:${node.port}/dev/@connections/${encodeURIComponent(connectionId)}`, { method: 'POST', body });
const connectionKey = (connectionId: string) => `wsgate:scale-out-relay:dev:conn:${connectionId}`;

describe('wsgate dev --redis: several gateways serve one API', () => {
  it("a handler on one node posts to a client on another; both logs say which node did what", async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    expect(await a.cli.waitForLine(/Scale-out:/)).toMatch(/Scale-out:\s+node a; /);
    const onA = await a.connect();
    const onB = await b.connect();
    onA.client.ws.send(JSON.stringify({ action: 'relay', to: onB.connectionId, text: 'hello from a' }));
    expect(await onB.client.nextMessage()).toBe('hello from a');
    expect(await a.cli.waitForLine(/PostToConnection/)).toMatch(new RegExp(`${onB.connectionId.replace(/[=+]/g, '\\$&')} .*PostToConnection 200, answered by node b`));
    expect(await b.cli.waitForLine(/PostToConnection/)).toMatch(/PostToConnection 200, for a caller on node a/);
    // The entry in Redis names the owner and what GetConnection reports.
    expect(await inspect.hgetall(connectionKey(onB.connectionId))).toMatchObject({ node: 'b', state: 'open', sourceIp: '127.0.0.1' });
  });

  it('joins through custom.wsgate.redis too', async () => {
    const a = await startNode('a', ['--config', 'test/fixtures/services/scale-out-relay/serverless.custom-redis.yml'], { RELAY_REDIS_URL: redis.url });
    const b = await startNode('b');
    const onB = await b.connect();
    expect((await postFrom(a, onB.connectionId, 'via custom')).status).toBe(200);
    expect(await onB.client.nextMessage()).toBe('via custom');
  });

  it('a node killed with SIGKILL is detected within 5 s: its connections answer 410 everywhere and their entries go', async () => {
    const { a, b, onB } = await startPair();
    expect((await postFrom(a, onB.connectionId, 'before')).status).toBe(200);
    const killedAt = Date.now();
    process.kill(-b.cli.child.pid!, 'SIGKILL');
    await b.cli.exited;
    // Polled, not slept: the first 410 is the detection.
    let status = 0;
    while (Date.now() - killedAt < 6000) {
      status = (await postFrom(a, onB.connectionId, 'after')).status;
      if (status === 410) break;
      expect(status).toBe(500); // the owner's heartbeat has not expired yet: AWS's internal failure, never a false 200
    }
    expect(status).toBe(410);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    while ((await inspect.exists(connectionKey(onB.connectionId))) === 1) expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(await inspect.sismember('wsgate:scale-out-relay:dev:nodes', 'b')).toBe(0);
  });

  it('a node cut off for longer than its heartbeat lives is swept, then registers its connections again when it is back', async () => {
    const { a, b, onB } = await startPair();
    // SIGSTOP: the process stays, its sockets stay open, but it neither beats nor answers, as behind a cut network.
    const pausedAt = Date.now();
    process.kill(b.cli.child.pid!, 'SIGSTOP');
    let status = 0;
    while (status !== 410) {
      status = (await postFrom(a, onB.connectionId, 'while paused')).status;
      expect([500, 410]).toContain(status); // silent owner: 500; heartbeat expired: 410
      expect(Date.now() - pausedAt).toBeLessThan(8000);
    }
    process.kill(b.cli.child.pid!, 'SIGCONT');
    expect(await b.cli.waitForLine(/took this one for dead/)).toMatch(/1 connection registered again\./);
    expect((await postFrom(a, onB.connectionId, 'back')).status).toBe(200);
    // The frames posted while it was paused were never delivered: the first one the client gets is this one.
    expect(await onB.client.nextMessage()).toBe('back');
  });

  it('a node stopped with SIGINT closes its clients with 1001, runs $disconnect and leaves at once', async () => {
    const { a, b, onB } = await startPair();
    b.cli.child.kill('SIGINT');
    expect((await onB.client.closed).code).toBe(1001);
    expect(await b.cli.exited).toBe(0);
    expect(b.cli.stdout.some((line) => /DISCONNECT .*1001 "Going away" → disconnect/.test(line))).toBe(true);
    expect((await postFrom(a, onB.connectionId, 'late')).status).toBe(410);
    expect(await inspect.exists(connectionKey(onB.connectionId))).toBe(0);
  });

  it('refuses a Redis that does not answer, and a URL that is not one, naming the option', async () => {
    const nobody = await freePort();
    const cli = runCli(['dev', '--config', config, '--port', '0', '--no-watch', '--no-inspector', '--no-dynamodb', '--redis', `redis://127.0.0.1:${nobody}`]);
    running.push(cli);
    expect(await cli.exited).toBe(1);
    const output = cli.stderr.join('\n');
    expect(output).toMatch(new RegExp(`Error \\[REDIS_UNREACHABLE\\].*Cannot reach Redis at redis://127\\.0\\.0\\.1:${nobody} \\(--redis\\)`));
    expect(output).not.toMatch(/\n\s+at /);

    const bad = runCli(['dev', '--config', config, '--port', '0', '--no-watch', '--no-dynamodb'], { env: { ...process.env, WSGATE_REDIS_URL: 'http://127.0.0.1:6379' } });
    running.push(bad);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/Error \[REDIS_INVALID_URL\].*WSGATE_REDIS_URL must be a Redis URL such as redis:\/\/127\.0\.0\.1:6379, got "http:\/\/127\.0\.0\.1:6379"/);
  });

  it('refuses a custom.wsgate.redis that is not a URL string, with its file and line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wsgate-redis-config-'));
    const file = path.join(dir, 'serverless.yml');
    writeFileSync(file, ['service: bad-redis', 'custom:', '  wsgate:', '    redis: 6379', 'provider:', '  name: aws', '  runtime: nodejs22.x', 'functions: {}', ''].join('\n'));
    const cli = runCli(['dev', '--config', file, '--port', '0', '--no-watch', '--no-dynamodb']);
    running.push(cli);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('\n')).toMatch(/Error \[CONFIG_INVALID_REDIS\] \S*serverless\.yml:4:\d+ at custom\.wsgate\.redis: custom\.wsgate\.redis must be a Redis URL \(a string\), got 6379\./);
  });
});
