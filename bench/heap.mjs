// Where the memory of an idle connection goes: heap snapshots of a server before and while `connections` idle
// connections are open, and after they closed, summed by kind of object (node:v8 writeHeapSnapshot).
//   npm run build && node bench/heap.mjs [connections=2000]
//   SERVERS=bare-echo,wsgate (default; any of bench/servers)  TOP=20 (rows)  SHAPES=1 (plain objects by their keys)
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { diffHeapSummaries, summarizeHeapSnapshot } from './lib/heap-summary.js';
import { measureTreeCpu, measureTreeRss } from './lib/process-memory.js';
import { runClient } from './lib/run-client.js';
import { BENCH_DIR } from './lib/targets.js';

const connections = Number(process.argv[2] ?? 2000);
const servers = (process.env.SERVERS ?? 'bare-echo,wsgate').split(',').filter(Boolean);
const top = Number(process.env.TOP ?? 20);
const shapes = process.env.SHAPES === '1';
const dir = join(BENCH_DIR, '.scratch/heap');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;

/** Settles once the server and its children used under 10 ms of CPU in half a second: its `$disconnect` backlog is done. */
async function waitForQuiet(pid) {
  const used = () => {
    const cpu = measureTreeCpu(pid);
    return cpu.process + cpu.descendants;
  };
  for (let last = used(); ; ) {
    await delay(500);
    const now = used();
    if (now - last < 0.01) return;
    last = now;
  }
}

async function measure(name) {
  const server = spawn(process.execPath, ['--require', join(BENCH_DIR, 'lib/heap-hook.cjs'), join(BENCH_DIR, `servers/${name}.js`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_HEAP_DIR: dir },
  });
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  const { port } = JSON.parse((await lines.next()).value);
  const snapshot = async () => {
    server.kill('SIGUSR2');
    return summarizeHeapSnapshot(JSON.parse((await lines.next()).value).heapSnapshot, { shapes });
  };
  const url = `ws://127.0.0.1:${port}/?token=bench`;
  // As (d) does: the first connections start the authorizer's and $connect's instances.
  await runClient({ kind: 'churn', url, total: 50, concurrency: 10, deadlineMs: 20_000 });
  const before = await snapshot();
  const rssBefore = measureTreeRss(server.pid).process;
  let open;
  let rssOpen;
  let whileOpen;
  await runClient({ kind: 'idle', url, connections }, async (opened) => {
    open = opened.connections;
    rssOpen = measureTreeRss(server.pid).process;
    whileOpen = await snapshot();
  });
  // $disconnect runs after each close: 10,000 of them take the gateway seconds.
  await waitForQuiet(server.pid);
  const after = await snapshot();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));

  const growth = diffHeapSummaries(before, whileOpen);
  const heapPerConnection = growth.reduce((sum, row) => sum + row.bytes, 0) / open;
  console.log(`\n${name}: ${open} idle connections; per connection: resident ${kib((rssOpen - rssBefore) / open)}, JS heap ${kib(heapPerConnection)}`);
  console.log(`| kind (type and constructor) | objects per connection | bytes per connection |\n|---|---:|---:|`);
  for (const row of growth.slice(0, top)) console.log(`| ${row.key} | ${(row.count / open).toFixed(2)} | ${(row.bytes / open).toFixed(0)} |`);
  const left = diffHeapSummaries(before, after);
  const leftBytes = left.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`after all closed: ${leftBytes >= 0 ? '+' : ''}${kib(leftBytes)} against before (${(leftBytes / open).toFixed(1)} bytes per connection); largest:`);
  for (const row of left.slice(0, 5)) console.log(`  ${row.key}: ${row.count >= 0 ? '+' : ''}${row.count} objects, ${row.bytes >= 0 ? '+' : ''}${row.bytes} bytes`);
}

for (const name of servers) await measure(name);
