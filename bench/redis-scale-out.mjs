// Scale-out through Redis, on this machine, in one run:
//   (1) @connections posts per second and latency when the caller reaches the connection's own node (same-node)
//       and when it reaches another node that hands the call over through Redis (cross-node);
//   (2) echo throughput of `wsgate dev` on its own, with --workers 1 and with --workers 2.
// Each comparison alternates its sides round by round and reports medians and the median ratio.
//
//   npm run build && node bench/redis-scale-out.mjs      (ROUNDS=3, POST_SECONDS=3, CALLERS=50, ECHO_CONNECTIONS=100)
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { runClient } from './lib/run-client.js';

const env = process.env;
const rounds = Number(env.ROUNDS ?? 3);
const postSeconds = Number(env.POST_SECONDS ?? 3);
const callers = Number(env.CALLERS ?? 50);
const echoConnections = Number(env.ECHO_CONNECTIONS ?? 100);
const root = fileURLToPath(new URL('..', import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startProcess(command, args, options, ready) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
  return new Promise((resolve, reject) => {
    let done = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (done) return;
      const found = ready(line);
      if (found !== undefined) {
        done = true;
        resolve({ child, found });
      }
    });
    child.once('exit', (code) => !done && reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)));
  });
}

const stop = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM'))));

async function startRedis() {
  const port = await freePort();
  const { child } = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {}, (line) =>
    /Ready to accept connections/.test(line) ? true : undefined,
  );
  return { url: `redis://127.0.0.1:${port}`, child };
}

async function startNode(redisUrl, nodeId) {
  const { child, found } = await startProcess(process.execPath, ['bench/servers/wsgate-redis-node.js'], { cwd: root, env: { ...env, REDIS_URL: redisUrl, NODE_ID: nodeId } }, (line) =>
    line.startsWith('{') ? JSON.parse(line).port : undefined,
  );
  return { child, port: found };
}

/** Opens `count` clients on `port` and learns their connection ids (the bench service's whoami route). */
async function openClients(port, count) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/?token=bench`, { perMessageDeflate: false });
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      const id = await new Promise((resolve) => {
        ws.once('message', (data) => resolve(data.toString()));
        ws.send('{"action":"whoami"}');
      });
      let received = 0;
      ws.on('message', () => received++);
      return { ws, id, received: () => received };
    }),
  );
}

/** `callers` closed loops, each posting to its own client through `port`, for `seconds`: posts/s and latency. */
async function measurePosts(port, clients, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: callers });
  const latencies = [];
  let failures = 0;
  const before = clients.reduce((sum, client) => sum + client.received(), 0);
  const end = performance.now() + seconds * 1000;
  const body = Buffer.alloc(128, 0x61);
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        const started = performance.now();
        const status = await new Promise((resolve) => {
          const req = http.request({ agent, host: '127.0.0.1', port, method: 'POST', path: `/dev/@connections/${encodeURIComponent(client.id)}`, headers: { 'content-length': body.length } }, (res) => {
            res.resume();
            res.once('end', () => resolve(res.statusCode));
          });
          req.once('error', () => resolve(0));
          req.end(body);
        });
        if (status === 200) latencies.push(performance.now() - started);
        else failures++;
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { perSecond: latencies.length / seconds, p50: pick(0.5), p99: pick(0.99), failures, delivered: clients.reduce((sum, client) => sum + client.received(), 0) - before };
}

async function benchPosts() {
  const redis = await startRedis();
  const a = await startNode(redis.url, 'bench-a');
  const b = await startNode(redis.url, 'bench-b');
  const clients = await openClients(b.port, callers);
  const figures = { same: [], cross: [] };
  await measurePosts(b.port, clients, 1); // warm-up
  await measurePosts(a.port, clients, 1);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['same', 'cross'] : ['cross', 'same'];
    for (const side of order) figures[side].push(await measurePosts(side === 'same' ? b.port : a.port, clients, postSeconds));
  }
  for (const client of clients) client.ws.close();
  await Promise.all([stop(a.child), stop(b.child)]);
  await stop(redis.child);
  return figures;
}

async function startDev(workers) {
  const args = ['bin/wsgate.js', 'dev', '--config', 'bench/service/serverless.yml', '--port', '0', '--no-watch', '--no-inspector', ...(workers ? ['--workers', String(workers)] : [])];
  const { child, found } = await startProcess(process.execPath, args, { cwd: root, env }, (line) => {
    const port = /(?:WebSocket:\s+ws:\/\/127\.0\.0\.1:|share port )(\d+)/.exec(line)?.[1];
    return port ? Number(port) : undefined;
  });
  // Every worker listening: the primary says so once.
  if (workers) await new Promise((resolve) => createInterface({ input: child.stdout }).on('line', (line) => /^Press Ctrl-C/.test(line) && resolve()));
  child.stdout.resume();
  return { child, port: found };
}

async function benchEcho() {
  const sides = { single: undefined, workers1: 1, workers2: 2 };
  const figures = { single: [], workers1: [], workers2: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse();
    for (const side of order) {
      const dev = await startDev(sides[side]);
      const url = `ws://127.0.0.1:${dev.port}/?token=bench`;
      await runClient({ kind: 'messages', url, action: 'echo', connections: echoConnections, messages: 20, payloadBytes: 128, deadlineMs: 5000, graceMs: 2000 }); // warm-up
      figures[side].push(await runClient({ kind: 'messages', url, action: 'echo', connections: echoConnections, messages: 100_000, payloadBytes: 128, deadlineMs: 5000, graceMs: 2000 }));
      dev.child.kill('SIGINT');
      await new Promise((resolve) => (dev.child.exitCode !== null ? resolve() : dev.child.once('exit', resolve)));
    }
  }
  return figures;
}

const fmt = (n, digits = 0) => (n === undefined || n === null ? '-' : n.toFixed(digits));
const posts = await benchPosts();
const echo = await benchEcho();
const cpus = os.cpus();
console.log(`\n# Scale-out through Redis (${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, Node ${process.version}, ${rounds} rounds, medians)\n`);
console.log(`## @connections POST, ${callers} callers in closed loops, 128-byte frames, ${postSeconds} s per round\n`);
console.log('| | posts/s | p50 ms | p99 ms | failed | delivered/answered |');
console.log('|---|---|---|---|---|---|');
for (const side of ['same', 'cross']) {
  const rows = posts[side];
  const answered = rows.reduce((sum, row) => sum + row.perSecond * postSeconds, 0);
  const delivered = rows.reduce((sum, row) => sum + row.delivered, 0);
  console.log(`| ${side}-node | ${fmt(median(rows.map((r) => r.perSecond)))} | ${fmt(median(rows.map((r) => r.p50)), 2)} | ${fmt(median(rows.map((r) => r.p99)), 2)} | ${rows.reduce((s, r) => s + r.failures, 0)} | ${fmt(delivered / answered, 3)} |`);
}
const postRatios = posts.same.map((row, i) => posts.cross[i].perSecond / row.perSecond);
console.log(`\ncross-node / same-node throughput: ${fmt(median(postRatios), 2)}× (rounds: ${postRatios.map((r) => fmt(r, 2)).join(', ')})`);
console.log(`\n## Echo through a route response, ${echoConnections} connections in closed loops, 5 s per round (wsgate dev, logs on)\n`);
console.log('| | messages/s | p50 ms | p99 ms | lost |');
console.log('|---|---|---|---|---|');
const labels = { single: 'wsgate dev (one process, no Redis)', workers1: 'wsgate dev --workers 1', workers2: 'wsgate dev --workers 2' };
for (const side of Object.keys(labels)) {
  const rows = echo[side];
  console.log(`| ${labels[side]} | ${fmt(median(rows.map((r) => r.perSecond)))} | ${fmt(median(rows.map((r) => r.p50)), 2)} | ${fmt(median(rows.map((r) => r.p99)), 2)} | ${rows.reduce((s, r) => s + r.lost, 0)} |`);
}
const ratio = (over, under) => median(echo[over].map((row, i) => row.perSecond / echo[under][i].perSecond));
console.log(`\n--workers 2 / --workers 1: ${fmt(ratio('workers2', 'workers1'), 2)}×; --workers 1 / one process: ${fmt(ratio('workers1', 'single'), 2)}×`);
