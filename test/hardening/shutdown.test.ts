import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as connectTcp } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { startGateway } from '../support/start-gateway.js';
import { openClient, type TestClient } from '../support/ws-client.js';

// A graceful shutdown (close(), SIGINT, SIGTERM) closes every connection with 1001, runs every $disconnect,
// and leaves no handler process, socket or port behind.

const FIXTURE = fileURLToPath(new URL('../fixtures/services/hardening-faults-shutdown/', import.meta.url));
const CONNECTIONS = 6;

let serviceDir: string;
let cli: CliProcess | undefined;

beforeEach(async () => {
  serviceDir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-shutdown-'));
  await cp(FIXTURE, serviceDir, { recursive: true });
});
afterEach(async () => {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
  cli = undefined;
  // Should a test fail, no handler process outlives it.
  for (const pid of processesInServiceDir()) process.kill(pid, 'SIGKILL');
  await rm(serviceDir, { recursive: true, force: true });
});

const lifecycle = () => (existsSync(path.join(serviceDir, 'lifecycle.log')) ? readFileSync(path.join(serviceDir, 'lifecycle.log'), 'utf8').trim().split('\n') : []);

/** Processes whose working folder is the service folder: handler instances run there (LAMBDA_TASK_ROOT). */
function processesInServiceDir(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== serviceDir) continue;
      if (/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      found.push(Number(entry));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return found;
}

/** The process table has no event to wait on: look again until `done` holds or the deadline passes. */
async function eventually(done: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return done();
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** Opens `count` connections and learns their ids. */
async function openConnections(stageUrl: string, count: number): Promise<{ clients: TestClient[]; ids: string[] }> {
  const clients = await Promise.all(Array.from({ length: count }, () => openClient(stageUrl)));
  const ids: string[] = [];
  for (const client of clients) {
    client.ws.send('id?');
    ids.push(JSON.parse(await client.nextMessage()).connectionId);
  }
  return { clients, ids };
}

/** Leaves a message in flight: its handler has started and answers after 300 ms. */
async function startSlowMessage(client: TestClient, connectionId: string, waitForLog: (pattern: RegExp) => Promise<unknown>): Promise<void> {
  client.ws.send(JSON.stringify({ action: 'slow', ms: 300 }));
  await waitForLog(new RegExp(`slow-start ${escape(connectionId)} `));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every connection saw 1001 Going away, and its $disconnect ran exactly once with that code. */
async function expectEveryConnectionClosed(clients: TestClient[], ids: string[]): Promise<void> {
  for (const client of clients) expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
  const disconnects = lifecycle().filter((line) => line.startsWith('disconnect '));
  expect(disconnects).toHaveLength(ids.length);
  for (const id of ids) expect(disconnects.filter((line) => line.startsWith(`disconnect ${id} 1001 "Going away" `))).toHaveLength(1);
}

function instancePids(): number[] {
  return [...new Set(lifecycle().map((line) => Number(line.split(' ').at(-1))))];
}

describe('close()', () => {
  it('closes every connection, runs every $disconnect, ends every handler process and frees the port', async () => {
    const { model } = await loadService({ serviceDir });
    const logs: string[] = [];
    const waiters: { pattern: RegExp; resolve: () => void }[] = [];
    const waitForLog = (pattern: RegExp) =>
      logs.some((line) => pattern.test(line)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pattern, resolve }));
    const onLog = ({ line }: { line: string }) => {
      logs.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) waiter.resolve();
    };
    const gw = await startGateway(model, { runtime: { onLog } });
    const { port, stageUrl } = gw.address;
    const { clients, ids } = await openConnections(stageUrl, CONNECTIONS);
    await startSlowMessage(clients.at(-1)!, ids.at(-1)!, waitForLog);
    expect(processesInServiceDir().length).toBeGreaterThan(0);

    await gw.close();
    await expectEveryConnectionClosed(clients, ids);
    // close() resolves after the runtime closed: no handler process is left, not even briefly.
    expect(processesInServiceDir()).toEqual([]);
    expect(instancePids().filter((pid) => existsSync(`/proc/${pid}/stat`) && !/ Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')))).toEqual([]);
    expect(await connectionRefused(port)).toBe(true);
    expect(await portIsFree(port)).toBe(true);
    // close() is idempotent.
    await gw.close();
  });
});

describe('close() under load', () => {
  it('with connections opening and messages in flight: every opened connection gets exactly one $disconnect', async () => {
    const { model } = await loadService({ serviceDir });
    let connectsLogged = 0;
    let onConnects: () => void = () => {};
    const enoughConnects = new Promise<void>((resolve) => (onConnects = resolve));
    const onLog = ({ line }: { line: string }) => {
      if (line.startsWith('connect ') && ++connectsLogged === 13) onConnects();
    };
    const gw = await startGateway(model, { runtime: { onLog } });
    const { clients } = await openConnections(gw.address.stageUrl, 10);
    // Keep traffic going on the open connections and new handshakes arriving while close() runs.
    for (const client of clients) for (let i = 0; i < 20; i++) client.ws.send(`message ${i}`);
    const attempts = Array.from({ length: 20 }, () =>
      openClient(gw.address.stageUrl).then(
        (client) => client.closed,
        () => 'refused' as const,
      ),
    );
    // Close once a few of the new handshakes have reached $connect: others are still on their way.
    await enoughConnects;
    await gw.close();
    for (const client of clients) expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    const outcomes = await Promise.all(attempts);
    for (const outcome of outcomes) if (outcome !== 'refused') expect(outcome.code).toBe(1001);
    const accepted = gw.records.filter((r) => r.eventType === 'CONNECT' && r.status === 200).map((r) => r.connectionId);
    const disconnected = gw.records.filter((r) => r.eventType === 'DISCONNECT').map((r) => r.connectionId);
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    console.log(`close() under load: ${accepted.length} accepted, ${outcomes.filter((o) => o === 'refused').length} of 20 late attempts refused`);
    expect([...disconnected].sort()).toEqual([...accepted].sort());
    // The handler saw the same: one $disconnect per $connect it accepted.
    const connects = lifecycle().filter((line) => line.startsWith('connect ')).map((line) => line.split(' ')[1]);
    const disconnects = lifecycle().filter((line) => line.startsWith('disconnect ')).map((line) => line.split(' ')[1]);
    expect([...disconnects].sort()).toEqual([...connects].sort());
    expect(processesInServiceDir()).toEqual([]);
  });
});

describe('close() with a client that never answers the close frame', () => {
  it('drops it after the grace period; its $disconnect still runs with 1001', async () => {
    const { model } = await loadService({ serviceDir });
    const gw = await startGateway(model, { runtime: { onLog: () => {} }, closeGraceMs: 200 });
    const { clients, ids } = await openConnections(gw.address.stageUrl, 2);
    // The first client stops reading: the gateway's close frame is never answered.
    const stalled = clients[0]!;
    (stalled.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    const started = Date.now();
    await gw.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(await clients[1]!.closed).toEqual({ code: 1001, reason: 'Going away' });
    const disconnects = lifecycle().filter((line) => line.startsWith('disconnect '));
    for (const id of ids) expect(disconnects.filter((line) => line.startsWith(`disconnect ${id} 1001 "Going away" `))).toHaveLength(1);
    expect(processesInServiceDir()).toEqual([]);
    stalled.ws.terminate();
  });
});

describe('wsgate dev', () => {
  const start = async (watch = false) => {
    expect(existsSync(path.join(repoRoot, 'dist/cli/index.js')), 'run `npm run build` first').toBe(true);
    const args = ['dev', '--config', path.join(serviceDir, 'serverless.yml'), '--port', '0', ...(watch ? [] : ['--no-watch'])];
    cli = runCli(args, { cwd: serviceDir });
    const line = await cli.waitForLine(/WebSocket:/);
    const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)?.[1]);
    await cli.waitForLine(/Press Ctrl-C to stop/);
    return { port, stageUrl: `ws://127.0.0.1:${port}/dev` };
  };

  // SIGTERM runs with watch mode on (the CLI's default): its file watchers must not keep the process alive.
  for (const { signal, watch } of [
    { signal: 'SIGINT', watch: false },
    { signal: 'SIGTERM', watch: true },
  ] as const) {
    it(`on ${signal}${watch ? ' (watch mode)' : ''}: closes every connection, runs every $disconnect, exits 0, leaves no process and frees the port`, async () => {
      const { port, stageUrl } = await start(watch);
      const { clients, ids } = await openConnections(stageUrl, CONNECTIONS);
      await startSlowMessage(clients.at(-1)!, ids.at(-1)!, (pattern) => cli!.waitForLine(pattern));
      const gatewayPid = cli!.child.pid!;
      expect(processesInServiceDir().filter((pid) => pid !== gatewayPid).length).toBeGreaterThan(0);

      cli!.child.kill(signal);
      expect(await cli!.exited).toBe(0);
      await expectEveryConnectionClosed(clients, ids);
      expect(cli!.stdout).toContain(`${signal}: closing connections (running $disconnect)… press Ctrl-C again to quit at once.`);
      expect(cli!.stdout.at(-1)).toBe('Stopped.');
      expect(cli!.stderr.join('\n')).not.toMatch(/Error|at .*\.js:\d+/);
      expect(processesInServiceDir()).toEqual([]);
      expect(await connectionRefused(port)).toBe(true);
      expect(await portIsFree(port)).toBe(true);
    });
  }

  it('a second Ctrl-C quits at once, without waiting for a slow $disconnect, and still leaves no process', async () => {
    const { port, stageUrl } = await start();
    const { clients, ids } = await openConnections(stageUrl, 2);
    await writeFile(path.join(serviceDir, 'slow-disconnect'), '');
    cli!.child.kill('SIGINT');
    for (const client of clients) expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    // Both $disconnect handlers are running (and would take 25 s).
    for (const id of ids) await cli!.waitForLine(new RegExp(`slow-disconnect ${escape(id)} `));
    cli!.child.kill('SIGINT');
    expect(await cli!.exited).toBe(130);
    expect(cli!.stderr).toContain('Stopped without waiting for $disconnect.');
    // Handler instances notice their invoker is gone and exit on their own.
    expect(await eventually(() => processesInServiceDir().length === 0)).toBe(true);
    expect(lifecycle().filter((line) => line.startsWith('disconnect '))).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });

  it('a second Ctrl-C while $disconnect spins in an endless loop still leaves no process behind', async () => {
    const { stageUrl } = await start();
    const { ids } = await openConnections(stageUrl, 1);
    await writeFile(path.join(serviceDir, 'spin-disconnect'), '');
    cli!.child.kill('SIGINT');
    const spinning = await cli!.waitForLine(new RegExp(`spin-disconnect ${escape(ids[0]!)} \\d+`));
    const pid = Number(/(\d+)$/.exec(spinning)![1]);
    cli!.child.kill('SIGINT');
    expect(await cli!.exited).toBe(130);
    // A spinning handler cannot notice that its IPC channel closed: the gateway kills it on its way out.
    expect(await eventually(() => processesInServiceDir().length === 0)).toBe(true);
    expect(existsSync(`/proc/${pid}/cwd`) && processesInServiceDir().includes(pid)).toBe(false);
  });
});
