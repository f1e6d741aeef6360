// Profiles the gateway under one load: `node --cpu-prof` on the wsgate server process and an inspector profile of
// each handler instance (warm invocations only), then the functions with the most self time, and the CPU time
// per message of the gateway, its handler instances and the load generator.
//   npm run build && node bench/profile.js [echo|post|churn] [connections=100] [seconds=5]
//   (churn: connect through the authorizer and close, `connections` at a time; CPU per connect)
//   PROFILE=0 (CPU split only)  SERVER=bare-echo|bare-process-hop|wsgate-in-process (another server)  TOP=40 (rows)
//   BURSTS=echo,post (first grow the handler pools: 3 s of each at 1,000 connections)
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { measureTreeCpu } from './lib/process-memory.js';
import { runClient } from './lib/run-client.js';
import { BENCH_DIR } from './lib/targets.js';

const [action = 'echo', connections = '100', seconds = '5'] = process.argv.slice(2);
const dir = join(BENCH_DIR, '.scratch/profiles');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

// PROFILE=0: only the CPU split, without the profilers' own overhead.
const profiling = process.env.PROFILE !== '0';
// SERVER=…: the same measurement on another server of bench/servers (a baseline, or wsgate-in-process).
const script = `servers/${process.env.SERVER ?? 'wsgate'}.js`;
const server = spawn(process.execPath, [...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), join(BENCH_DIR, script)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, ...(profiling ? { BENCH_PROFILE_DIR: dir, BENCH_PROFILE_DELAY_MS: process.env.BENCH_PROFILE_DELAY_MS ?? '4000' } : {}) },
});
const { port } = await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line))));
const url = `ws://127.0.0.1:${port}/?token=bench`;
const churn = action === 'churn';
const load = churn
  ? { kind: 'churn', url, concurrency: Number(connections) }
  : { kind: 'messages', url, action, connections: Number(connections), payloadBytes: 128, graceMs: 5000 };
// BURSTS=echo,post: grow the pools first with 3 s of each action at C = 1,000, as `npm run bench` does before churn.
for (const burst of (process.env.BURSTS ?? '').split(',').filter(Boolean)) {
  await runClient({ kind: 'messages', url, action: burst, connections: 1000, payloadBytes: 128, graceMs: 5000, messages: 1e9, deadlineMs: 3000 });
}
await runClient(churn ? { ...load, total: 200, deadlineMs: 10_000 } : { ...load, messages: 5, deadlineMs: 10_000 });
const cpuBefore = { server: measureTreeCpu(server.pid), all: measureTreeCpu(process.pid) };
const result = await runClient(churn ? { ...load, total: 1e9, deadlineMs: Number(seconds) * 1000 } : { ...load, messages: 1e9, deadlineMs: Number(seconds) * 1000 });
const cpuAfter = { server: measureTreeCpu(server.pid), all: measureTreeCpu(process.pid) };
const unit = churn ? 'connects' : 'msg';
console.log(`${action} C=${connections}: ${result.perSecond.toFixed(0)} ${unit}/s, p50 ${result.p50?.toFixed(1)} ms, p99 ${result.p99?.toFixed(1)} ms, lost ${result.lost ?? 0}`);
// Where the CPU went, per message: the gateway process, its handler instances, and the load generator.
const perMessage = (seconds) => `${((seconds * 1e6) / (result.perSecond * result.elapsedMs / 1000)).toFixed(1)} µs`;
const gatewayCpu = cpuAfter.server.process - cpuBefore.server.process;
const handlersCpu = cpuAfter.server.descendants - cpuBefore.server.descendants;
const clientCpu = cpuAfter.all.descendants - cpuBefore.all.descendants - gatewayCpu - handlersCpu;
console.log(`CPU per ${churn ? 'connect' : 'message'}: gateway ${perMessage(gatewayCpu)}, handler instances ${perMessage(handlersCpu)}, load generator ${perMessage(clientCpu)} (${(result.elapsedMs / 1000).toFixed(1)} s)`);
const gatewaySystem = cpuAfter.server.processSystem - cpuBefore.server.processSystem;
const handlersSystem = cpuAfter.server.descendantsSystem - cpuBefore.server.descendantsSystem;
const clientSystem = cpuAfter.all.descendantsSystem - cpuBefore.all.descendantsSystem - gatewaySystem - handlersSystem;
console.log(`  of which in the kernel: gateway ${perMessage(gatewaySystem)}, handler instances ${perMessage(handlersSystem)}, load generator ${perMessage(clientSystem)}`);
await new Promise((resolve) => {
  server.once('exit', resolve);
  server.kill('SIGTERM');
});

const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
if (profiling) report('gateway process', files.filter((f) => !f.startsWith('handler-')));
if (profiling) report('all handler instances together', files.filter((f) => f.startsWith('handler-')));

function report(title, names) {
  const self = new Map();
  for (const file of names) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const dt = profile.timeDeltas;
    for (let i = 0; i < profile.samples.length; i++) {
      const { functionName, url: source, lineNumber } = byId.get(profile.samples[i]).callFrame;
      const key = `${functionName || '(anonymous)'} ${source.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bench)\//, '$1/')}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
    }
  }
  const idle = self.get('(idle) :0') ?? 0;
  self.delete('(idle) :0');
  const busy = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${title} (${names.length} profile(s)): ${(busy / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; top self time, % of busy`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${key}`);
  }
}
