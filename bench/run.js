// `npm run bench`: every scenario against wsgate and the baselines in one run, one table with ratios. The local
// servers run side by side and are measured in turn, level by level (`benchRound`).
//
//   npm run bench                      full run (several minutes on 2 cores)
//   BENCH_QUICK=1 npm run bench        a short run: fewer levels, one run each
//   BENCH_RUNS=5                       runs per measurement (median, min–max); default 3 (quick: 1)
//   BENCH_OFFLINE=none|inprocess|all   which serverless-offline modes to run (default all)
//   BENCH_PACKAGE=0                    skip `wsgate package` against `serverless package`
//   BENCH_JSON=file                    also write every figure as JSON
//   BENCH_TARGETS=wsgate,bareEcho      only these servers (bareEcho, bareAsync, bareProcessHop, wsgate, offline)
//   BENCH_STARTUP=0                    skip the start-up measurement
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createPeakSampler } from './lib/process-memory.js';
import { measureBroadcast, measureChurn, measureIdle, measureMessages } from './lib/scenarios.js';
import { measureStartup } from './lib/measure-startup.js';
import { formatReport } from './lib/format-report.js';
import {
  BENCH_DIR,
  ensureServerlessOffline,
  startBareAsync,
  startBareEcho,
  startBareProcessHop,
  startServerlessOffline,
  startWsgate,
} from './lib/targets.js';

const env = process.env;
const quick = env.BENCH_QUICK === '1' || process.argv.includes('--quick');
const runs = Number(env.BENCH_RUNS ?? (quick ? 1 : 3));
const offlineModes = env.BENCH_OFFLINE ?? 'all';
const settings = {
  levels: quick ? [1, 100] : [1, 10, 100, 1000],
  // More than any target answers before the deadline: every measurement lasts the deadline, so the fastest
  // servers are measured over seconds too, not over a fraction of one.
  messagesPerConnection: { 1: 100_000, 10: 30_000, 100: 5_000, 1000: 500 },
  payloadBytes: 128,
  deadlineMs: quick ? 3000 : 5000,
  graceMs: 3000,
  churn: { total: 50_000, concurrency: 10, deadlineMs: quick ? 3000 : 5000 },
  idle: { connections: quick ? 2000 : 10_000 },
  broadcast: { listeners: quick ? 200 : 1000, rounds: quick ? 2 : 5, deadlineMs: 15_000 },
};
const log = (line) => process.stderr.write(`${line}\n`);

const results = { settings, runs, quick, machine: describeMachine(), versions: {}, targets: {} };

function describeMachine() {
  const cpus = os.cpus();
  return { cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`, memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`, os: `${os.type()} ${os.release()}`, node: process.version };
}

const selected = env.BENCH_TARGETS ? new Set(env.BENCH_TARGETS.split(',')) : undefined;
const isSelected = (key) => !selected || selected.has(key) || (key.startsWith('offline') && selected.has('offline'));

/** A started target with its results entry and its memory sampler, or undefined (failure recorded). */
async function startTarget(key, start, round) {
  const entry = (results.targets[key] ??= { messages: {}, errors: [] });
  try {
    const target = await start();
    entry.name = target.name;
    log(`— ${target.name} (round ${round + 1})`);
    return { key, target, entry, sampler: createPeakSampler(target.pid) };
  } catch (err) {
    entry.errors.push(String(err?.message ?? err));
    log(`  failed: ${err?.message ?? err}`);
    return undefined;
  }
}

/** Runs one measurement of one target; a failure is recorded, ends that target for this round, and returns false. */
async function attempt(running, label, measure) {
  try {
    const line = await measure();
    if (line) log(`  ${running.entry.name}: ${label}${line}`);
    return true;
  } catch (err) {
    running.entry.errors.push(String(err?.message ?? err));
    log(`  ${running.entry.name}: ${label} failed: ${err?.message ?? err}`);
    return false;
  }
}

/**
 * One round of the listed targets, all started afresh at once and then measured in turn, level by level: each
 * ratio compares measurements taken seconds apart, so a slow spell of the shared machine falls on the servers
 * it compares alike (a round of one target after another put minutes between them). Only the measured server
 * has load; the others sit idle. The order flips every round. (d) gets a fresh start of its own, in round 1.
 */
async function benchRound(specs, round) {
  let running = [];
  for (const [key, start, scenarios] of specs) {
    if (!isSelected(key)) continue;
    const started = await startTarget(key, start, round);
    if (started) running.push({ ...started, scenarios });
  }
  if (round % 2 === 1) running.reverse();
  const measureEach = async (wanted, label, measure) => {
    const failed = [];
    for (const run of running.filter(wanted)) if (!(await attempt(run, label, () => measure(run)))) failed.push(run);
    for (const run of failed) await run.target.stop();
    running = running.filter((run) => !failed.includes(run));
  };
  try {
    for (const action of ['echo', 'post']) {
      const uses = (run) => run.scenarios.messages?.includes(action);
      // Warm-up: the handler pool grows to its working size; not counted.
      await measureEach(uses, `${action} warm-up`, async ({ target, sampler }) => {
        await measureMessages(target, sampler, { action, connections: 100, messages: 5, payloadBytes: settings.payloadBytes, deadlineMs: 10_000, graceMs: settings.graceMs });
      });
      for (const connections of settings.levels) {
        await measureEach(uses, `${action} C=${connections}: `, async ({ target, sampler, entry }) => {
          const result = await measureMessages(target, sampler, {
            action,
            connections,
            messages: settings.messagesPerConnection[connections],
            payloadBytes: settings.payloadBytes,
            deadlineMs: settings.deadlineMs,
            graceMs: settings.graceMs,
          });
          ((entry.messages[action] ??= {})[connections] ??= []).push(result);
          return `${result.perSecond.toFixed(0)} msg/s, p99 ${result.p99?.toFixed(1)} ms, lost ${result.lost}, error frames ${result.errorFrames}`;
        });
      }
    }
    await measureEach((run) => run.scenarios.churn, 'churn: ', async ({ target, sampler, entry }) => {
      const result = await measureChurn(target, sampler, settings.churn);
      (entry.churn ??= []).push(result);
      return `${result.perSecond.toFixed(0)} connects/s`;
    });
    if (round === 0) {
      await measureEach((run) => run.scenarios.broadcast, 'broadcast: ', async ({ target, sampler, entry }) => {
        entry.broadcast = await measureBroadcast(target, sampler, settings.broadcast);
        return `${entry.broadcast.p50?.toFixed(0)} ms to reach ${settings.broadcast.listeners}, lost ${entry.broadcast.lost}`;
      });
    }
  } finally {
    for (const { target, sampler } of running) {
      sampler.stop();
      await target.stop();
    }
  }
  if (round !== 0) return;
  for (const [key, start, scenarios] of specs) {
    if (!scenarios.idle || !isSelected(key)) continue;
    const fresh = await startTarget(key, start, round);
    if (!fresh) continue;
    try {
      await attempt(fresh, 'idle: ', async () => {
        fresh.entry.idle = await measureIdle(fresh.target, settings.idle);
        return `${(fresh.entry.idle.processBytesPerConnection / 1024).toFixed(1)} KiB per connection`;
      });
    } finally {
      fresh.sampler.stop();
      await fresh.target.stop();
    }
  }
}

const started = Date.now();
let install;
if (offlineModes !== 'none' && (!selected || selected.has('offline'))) {
  try {
    install = ensureServerlessOffline(log);
    results.versions.serverless = install.versions.serverless;
    results.versions.serverlessOffline = install.versions.offline;
  } catch (err) {
    results.offlineSkipped = `serverless-offline could not be installed: ${err.message}`;
    log(`Skipping serverless-offline: ${results.offlineSkipped}`);
  }
}
// serverless-offline is slow enough that one round keeps the whole bench bounded.
const offlineRuns = Number(env.BENCH_OFFLINE_RUNS ?? 1);
const offlineScenarios = { messages: ['echo', 'post'], churn: true, broadcast: true };
const localTargets = [
  ['bareEcho', startBareEcho, { messages: ['echo'], churn: true, idle: true }],
  ['bareAsync', startBareAsync, { messages: ['echo'] }],
  ['bareProcessHop', startBareProcessHop, { messages: ['echo'], churn: true }],
  ['wsgate', startWsgate, { messages: ['echo', 'post'], churn: true, broadcast: true, idle: true }],
];
for (let round = 0; round < runs; round++) {
  await benchRound(localTargets, round);
  // serverless-offline one mode at a time: its worker-thread mode takes minutes and gigabytes.
  if (install && round < offlineRuns) {
    await benchRound([['offlineInProcess', () => startServerlessOffline(install, true), offlineScenarios]], round);
    if (offlineModes === 'all') await benchRound([['offlineDefault', () => startServerlessOffline(install, false), offlineScenarios]], round);
  }
}

if (env.BENCH_STARTUP !== '0') {
  log('— wsgate dev start-up on examples/chat');
  results.startup = await measureStartup(quick ? 3 : 7);
}

if (env.BENCH_PACKAGE !== '0' && !quick) {
  log('— wsgate package against serverless package (bench/package.mjs)');
  try {
    const output = execFileSync(process.execPath, [join(BENCH_DIR, 'package.mjs'), '--functions', '100', '--runs', '3'], { encoding: 'utf8' });
    const median = (label) => Number(new RegExp(`${label}\\s+median\\s+(\\d+)`).exec(output)?.[1]);
    results.package = { wsgateMs: median('wsgate package'), serverlessMs: median('serverless package') };
  } catch (err) {
    results.package = { error: String(err.message).split('\n')[0] };
  }
}

results.versions.ws = JSON.parse(readFileSync(join(BENCH_DIR, '../node_modules/ws/package.json'), 'utf8')).version;
results.elapsedSeconds = Math.round((Date.now() - started) / 1000);
if (env.BENCH_JSON) writeFileSync(env.BENCH_JSON, JSON.stringify(results, null, 2));
process.stdout.write(formatReport(results));
