import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { buildModel, copyFixture, isProcessAlive, listRunnerChildren, startHoldServer, waitUntil } from './runtime-fixture.js';

// Instances are isolated like Lambda execution environments: one invocation at a time each, more under load,
// and a crash, process.exit, endless loop or timeout replaces the instance without taking the invoker down.
describe('createNodeInvoker: isolation and lifecycle', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  let invoker: Invoker | undefined;

  beforeAll(async () => {
    fixture = await copyFixture();
  });
  afterEach(async () => {
    await invoker?.close();
    invoker = undefined;
  });
  afterAll(async () => {
    await fixture?.remove();
  });

  const start = (functions: Parameters<typeof buildModel>[1], maxInstancesPerFunction?: number, growAfterMs?: number) => {
    invoker = createNodeInvoker(buildModel(fixture.dir, functions), { onLog: () => {}, maxInstancesPerFunction, growAfterMs });
    return invoker;
  };

  it('answers process.exit(3) as Runtime.ExitError and serves the next invocation from a new instance', async () => {
    const inv = start({ exit3: { handler: 'handler.exit3' }, exit0: { handler: 'handler.exit0' } });
    expect(await inv.invoke('exit3', {}, { awsRequestId: 'req-1' })).toMatchObject({
      ok: false,
      kind: 'crash',
      error: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: req-1 Error: Runtime exited with error: exit status 3' },
    });
    expect(await inv.invoke('exit0', {}, { awsRequestId: 'req-2' })).toMatchObject({
      ok: false,
      kind: 'crash',
      error: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: req-2 Error: Runtime exited without providing a reason' },
    });
    expect(await inv.invoke('exit3', {}, { awsRequestId: 'req-3' })).toMatchObject({ ok: false, kind: 'crash' });
  });

  it('kills an endless loop after the function timeout and answers as Lambda does', async () => {
    const inv = start({ loop: { handler: 'handler.loop', timeout: 1 }, counter: { handler: 'handler.counter' } });
    const result = await inv.invoke('loop', {}, { awsRequestId: 'req-loop' });
    expect(result).toMatchObject({
      ok: false,
      kind: 'timeout',
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: req-loop Error: Task timed out after 1.00 seconds' },
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(result.durationMs).toBeLessThan(3000);
    // The gateway's other functions are unaffected while (and after) one spins.
    expect(await inv.invoke('counter', {})).toMatchObject({ ok: true });
  });

  it('bounds module loading too: an endless loop at load time times out at the deadline', async () => {
    const inv = start({ loopAtLoad: { handler: 'broken/loop-at-load.handler' } });
    const result = await inv.invoke('loopAtLoad', {}, { deadlineMs: 400, awsRequestId: 'req-init-loop' });
    expect(result).toMatchObject({
      ok: false,
      kind: 'timeout',
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: req-init-loop Error: Task timed out after 0.40 seconds' },
    });
    expect(listRunnerChildren()).toEqual([]);
  });

  it('replaces a timed-out instance: the next invocation of the same function works', async () => {
    const inv = start({ slow: { handler: 'handler.slow', timeout: 1 } });
    const timedOut = await inv.invoke('slow', { ms: 5000 });
    expect(timedOut).toMatchObject({ ok: false, kind: 'timeout' });
    const next = await inv.invoke('slow', { ms: 1 });
    // A fresh instance: its module state starts over.
    expect(next).toMatchObject({ ok: true, value: { count: 1 } });
  });

  it('applies the caller deadline when it is shorter than the function timeout', async () => {
    const inv = start({ slow: { handler: 'handler.slow', timeout: 6 } });
    const result = await inv.invoke('slow', { ms: 5000 }, { deadlineMs: 500, awsRequestId: 'req-deadline' });
    expect(result).toMatchObject({
      ok: false,
      kind: 'timeout',
      error: { errorMessage: 'RequestId: req-deadline Error: Task timed out after 0.50 seconds' },
    });
    expect(result.durationMs).toBeLessThan(3000);
  });

  it('runs parallel invocations in separate instances, each with its own module state, and reuses warm ones', async () => {
    // growAfterMs 0: every invocation that finds the instances busy gets a new one at once, as Lambda scales out.
    const inv = start({ slow: { handler: 'handler.slow' } }, undefined, 0);
    const results = await Promise.all([1, 2, 3, 4].map(() => inv.invoke('slow', { ms: 300 })));
    const values = results.map((r) => (r.ok ? (r.value as { pid: number; count: number }) : undefined));
    expect(values.every((v) => v !== undefined)).toBe(true);
    const pids = new Set(values.map((v) => v!.pid));
    expect(pids.size).toBe(4);
    expect(values.map((v) => v!.count)).toEqual([1, 1, 1, 1]);
    // Sequential calls now reuse the warm instances rather than starting new ones.
    const again = await inv.invoke('slow', { ms: 1 });
    expect(again.ok && pids.has((again.value as { pid: number }).pid)).toBe(true);
    expect(again.ok && (again.value as { count: number }).count).toBe(2);
  });

  it('queues invocations beyond maxInstancesPerFunction', async () => {
    const inv = start({ slow: { handler: 'handler.slow' } }, 2, 0);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => inv.invoke('slow', { ms: 100 })));
    expect(results.every((r) => r.ok)).toBe(true);
    const pids = new Set(results.map((r) => (r.ok ? (r.value as { pid: number }).pid : 0)));
    expect(pids.size).toBe(2);
  });

  it('by default, gives slow invocations that wait for a busy instance their own after growAfterMs', async () => {
    const inv = start({ slow: { handler: 'handler.slow' } });
    await inv.invoke('slow', { ms: 1 });
    const results = await Promise.all([1, 2].map(() => inv.invoke('slow', { ms: 1500 })));
    const pids = new Set(results.map((r) => (r.ok ? (r.value as { pid: number }).pid : 0)));
    expect(pids.size).toBe(2);
  });

  it('serves a burst of quick invocations from the warm instance instead of starting more (growAfterMs)', async () => {
    const inv = start({ counter: { handler: 'handler.counter' } }, 10, 5000);
    const first = await inv.invoke('counter', {});
    const burst = await Promise.all(Array.from({ length: 20 }, () => inv.invoke('counter', {})));
    const pids = new Set([first, ...burst].map((r) => (r.ok ? (r.value as { pid: number }).pid : 0)));
    expect(pids.size).toBe(1);
    expect(burst.map((r) => (r.ok ? (r.value as { count: number }).count : 0)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2),
    );
  });

  /**
   * Two instances warmed by two slow invocations at once, 40 quick ones one after another (the function's recent
   * times are now short), then two quick ones at once: the pids of that pair, and of the two warm instances.
   */
  const runQuickPairAfterWarmUp = async (packWaitMs: number) => {
    invoker = createNodeInvoker(buildModel(fixture.dir, { slow: { handler: 'handler.slow' } }), {
      onLog: () => {},
      maxInstancesPerFunction: 2,
      growAfterMs: 10,
      packWaitMs,
    });
    const inv = invoker;
    const pidOf = (r: Awaited<ReturnType<Invoker['invoke']>>) => (r.ok ? (r.value as { pid: number }).pid : 0);
    const warmed = await Promise.all([1, 2].map(() => inv.invoke('slow', { ms: 300 })));
    for (let i = 0; i < 40; i++) expect(await inv.invoke('slow', { ms: 0 })).toMatchObject({ ok: true });
    const pair = await Promise.all([inv.invoke('slow', { ms: 0 }), inv.invoke('slow', { ms: 0 })]);
    return { warmPids: new Set(warmed.map(pidOf)), pairPids: pair.map(pidOf) };
  };

  it('runs a quick invocation behind a running quick one rather than waking an idle instance (packWaitMs)', async () => {
    // 15 ms: within the 20 ms after which queued invocations are handed back, and far above a quick
    // invocation's time on a slow machine.
    const { warmPids, pairPids } = await runQuickPairAfterWarmUp(15);
    // The slow ones at first got an instance each: the function's recent times were long.
    expect(warmPids.size).toBe(2);
    expect(warmPids.has(0)).toBe(false);
    // Both quick ones ran in the same warm instance, one after the other, while the other stayed idle.
    expect(pairPids[0]).toBeGreaterThan(0);
    expect(pairPids[1]).toBe(pairPids[0]);
    const idlePid = [...warmPids].find((pid) => pid !== pairPids[0])!;
    expect(isProcessAlive(idlePid)).toBe(true);
  });

  it('with packWaitMs 0, wakes the idle instance for the second of two quick invocations', async () => {
    const { warmPids, pairPids } = await runQuickPairAfterWarmUp(0);
    expect(warmPids.size).toBe(2);
    expect(new Set(pairPids)).toEqual(warmPids);
  });

  // A CPU-bound function does not get more instances than the machine can run at once; one waiting on I/O does.
  const cores = availableParallelism();
  it('does not grow a function whose instances already keep the CPU busy beyond one instance per core', async () => {
    const inv = start({ behave: { handler: 'handler.behave' } }, 10, 20);
    const results = await Promise.all(Array.from({ length: 16 }, () => inv.invoke('behave', { kind: 'cpu', ms: 150 })));
    const pids = new Set(results.map((r) => (r.ok ? (r.value as { pid: number }).pid : 0)));
    expect(pids.has(0)).toBe(false);
    // Up to one per core freely, and at most a couple more started while the CPU was still being measured
    // (without the rule, all 10 start).
    expect(pids.size).toBeLessThanOrEqual(cores + 2);
  });

  it('still grows a function whose instances wait on I/O past one instance per core', async () => {
    // Each invocation waits on the test's server until released, so they can only all be waiting at once in as
    // many instances: however busy the machine, growth gets 20 s (cold starts take well under one each).
    const hold = await startHoldServer();
    try {
      const inv = start({ behave: { handler: 'handler.behave', timeout: 60 } }, 10, 20);
      const results = Promise.all(Array.from({ length: cores + 2 }, () => inv.invoke('behave', { kind: 'hold', url: hold.url })));
      let bound: NodeJS.Timeout | undefined;
      const grown = await Promise.race([
        hold.waitForRequests(cores + 2).then(() => true),
        new Promise<false>((resolve) => (bound = setTimeout(() => resolve(false), 20_000))),
      ]);
      clearTimeout(bound);
      expect(grown ? cores + 2 : hold.waiting()).toBe(cores + 2);
      hold.release();
      const pids = new Set((await results).map((r) => (r.ok ? (r.value as { pid: number }).pid : 0)));
      expect(pids.has(0)).toBe(false);
      expect(pids.size).toBe(cores + 2);
    } finally {
      hold.release();
      await hold.close();
    }
  });

  it('ends an instance that served nothing for idleInstanceTimeoutMs; the next invocation is a cold start', async () => {
    invoker = createNodeInvoker(buildModel(fixture.dir, { counter: { handler: 'handler.counter' } }), {
      onLog: () => {},
      idleInstanceTimeoutMs: 300,
    });
    const first = await invoker.invoke('counter', {});
    const { pid } = first.ok ? (first.value as { pid: number }) : { pid: 0 };
    expect(isProcessAlive(pid)).toBe(true);
    // Busy instances are not idle: invocations keep it alive past the timeout.
    const busyUntil = Date.now() + 500;
    while (Date.now() < busyUntil) expect(await invoker.invoke('counter', {})).toMatchObject({ ok: true, value: { pid } });
    await waitUntil(() => !isProcessAlive(pid), 5000);
    expect(await invoker.invoke('counter', {})).toMatchObject({ ok: true, value: { count: 1 } });
  });

  it('times a queued invocation out at the caller deadline', async () => {
    const inv = start({ slow: { handler: 'handler.slow' } }, 1);
    const busy = inv.invoke('slow', { ms: 700 });
    const queued = await inv.invoke('slow', { ms: 1 }, { deadlineMs: 300 });
    expect(queued).toMatchObject({ ok: false, kind: 'timeout' });
    expect(await busy).toMatchObject({ ok: true });
  });

  it('close() ends every instance, settles pending invocations and leaves no child process', async () => {
    // growAfterMs 0: the second slow invocation gets an instance at once, which is still starting at close().
    const inv = start({ slow: { handler: 'handler.slow' }, counter: { handler: 'handler.counter' } }, 3, 0);
    const warm = await Promise.all([inv.invoke('counter', {}), inv.invoke('counter', {})]);
    const pids = warm.map((r) => (r.ok ? (r.value as { pid: number }).pid : 0));
    expect(pids.every((pid) => pid > 0 && isProcessAlive(pid))).toBe(true);
    // One invocation killed while running, one while its instance is still starting.
    expect(await inv.invoke('slow', { ms: 1 })).toMatchObject({ ok: true });
    const pending = inv.invoke('slow', { ms: 10_000 });
    const starting = inv.invoke('slow', { ms: 10_000 });
    const started = await inv.invoke('counter', {});
    expect(started.ok).toBe(true);
    expect(listRunnerChildren().length).toBeGreaterThanOrEqual(3);
    await inv.close();
    expect(listRunnerChildren()).toEqual([]);
    expect(await pending).toMatchObject({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError' } });
    expect(await starting).toMatchObject({ ok: false, kind: 'crash' });
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    expect(await inv.invoke('counter', {})).toMatchObject({ ok: false });
  });

  it('runs each instance in its own process group and ends the processes a handler started with it', async () => {
    const inv = start({ spawnChild: { handler: 'handler.spawnChild' } });
    const result = await inv.invoke('spawnChild', {});
    expect(result.ok).toBe(true);
    const { pid, childPid } = (result.ok ? result.value : {}) as { pid: number; childPid: number };
    expect(isProcessAlive(childPid)).toBe(true);
    if (process.platform === 'linux') {
      // Terminal signals (Ctrl-C) go to the gateway's group, not to handler instances.
      const group = (p: number) => {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      };
      expect(group(pid)).toBe(pid);
      expect(group(pid)).not.toBe(group(process.pid));
    }
    await inv.close();
    const deadline = Date.now() + 5000;
    while (isProcessAlive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(isProcessAlive(childPid)).toBe(false);
  });

  it('limits the heap to the function memory size and answers running out of it as a crash', async () => {
    const inv = start({ hog: { handler: 'handler.hog', memorySize: 128, timeout: 20 } });
    const result = await inv.invoke('hog', {}, { awsRequestId: 'req-oom' });
    expect(result).toMatchObject({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError' } });
    if (!result.ok) expect(result.error.errorMessage).toMatch(/^RequestId: req-oom Error: Runtime exited with error: signal: /);
  });
});
