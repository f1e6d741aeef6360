import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeResult, Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { buildModel, copyFixture, startHoldServer } from './runtime-fixture.js';

type Behaviour = { pid: number; count: number; startedWith: number; id?: number };
const valueOf = (result: InvokeResult) => (result.ok ? (result.value as Behaviour) : undefined);

// Invocations that arrive together may be queued in a warm instance (one write for all of them). Each still runs
// alone, with its own timeout from its own start; none waits behind a slow one, and none is lost when the
// instance ends under it.
describe('createNodeInvoker: invocations queued in an instance', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  let invoker: Invoker | undefined;
  let hold: Awaited<ReturnType<typeof startHoldServer>>;

  beforeAll(async () => {
    fixture = await copyFixture();
  });
  afterEach(async () => {
    hold?.release();
    await invoker?.close();
    await hold?.close();
    invoker = undefined;
  });
  afterAll(async () => {
    await fixture?.remove();
  });

  const start = async (timeout: number, maxInstancesPerFunction?: number) => {
    invoker = createNodeInvoker(buildModel(fixture.dir, { behave: { handler: 'handler.behave', timeout } }), {
      onLog: () => {},
      maxInstancesPerFunction,
    });
    // Warm: later invocations find a running instance to queue in.
    expect(await invoker.invoke('behave', {})).toMatchObject({ ok: true });
    return invoker;
  };

  it('answers a burst of quick invocations each with its own result, one at a time in one instance', async () => {
    const inv = await start(6, 1);
    const burst = await Promise.all(Array.from({ length: 200 }, (_, id) => inv.invoke('behave', { id })));
    const values = burst.map(valueOf);
    expect(values.map((v) => v?.id)).toEqual(Array.from({ length: 200 }, (_, id) => id));
    // One instance, and every invocation saw the module state the previous one left (no two ran at once).
    expect(new Set(values.map((v) => v?.pid)).size).toBe(1);
    expect(values.map((v) => v!.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
  });

  it('queues no more in a busy instance than it is expected to clear in 100 ms: a burst of 15 ms invocations gets more instances', async () => {
    const inv = await start(6, 10);
    // The function's recent invocations took about 15 ms each.
    for (let i = 0; i < 10; i++) expect(await inv.invoke('behave', { kind: 'sleep', ms: 15 })).toMatchObject({ ok: true });
    const burst = await Promise.all(Array.from({ length: 30 }, (_, id) => inv.invoke('behave', { kind: 'sleep', ms: 15, id })));
    const values = burst.map(valueOf);
    expect(values.map((v) => v?.id)).toEqual(Array.from({ length: 30 }, (_, id) => id));
    // Queued 30 deep, the last would wait 450 ms behind the others in the one warm instance, and the pool would
    // never see a reason to grow. Six at most fit in 100 ms: the rest wait in the pool, which starts more.
    expect(new Set(values.map((v) => v!.pid)).size).toBeGreaterThan(1);
  });

  it('counts each queued invocation’s timeout from its own start, as getRemainingTimeInMillis shows', async () => {
    // Timeout 1 s and four invocations of 400 ms on one instance: 1.6 s in all, yet none times out.
    const inv = await start(1, 1);
    const results = await Promise.all([1, 2, 3, 4].map((id) => inv.invoke('behave', { kind: 'sleep', ms: 400, id })));
    for (const result of results) {
      expect(result).toMatchObject({ ok: true });
      expect(valueOf(result)!.startedWith).toBeGreaterThan(900);
      expect(valueOf(result)!.startedWith).toBeLessThanOrEqual(1000);
    }
  });

  it('hands invocations queued behind a slow one to another instance instead of letting them wait', async () => {
    hold = await startHoldServer();
    const inv = await start(30);
    let slowSettled = false;
    const slow = inv.invoke('behave', { kind: 'hold', url: hold.url }).then((result) => {
      slowSettled = true;
      return result;
    });
    // Sent in the same turn as the slow one: they are queued behind it in its instance at first.
    const quick = await Promise.all([1, 2, 3].map((id) => inv.invoke('behave', { id })));
    await hold.waitForRequest();
    expect(slowSettled).toBe(false);
    const slowPid = await new Promise<number>((resolve) => {
      hold.release();
      void slow.then((result) => resolve(valueOf(result)!.pid));
    });
    for (const result of quick) {
      expect(result).toMatchObject({ ok: true });
      expect(valueOf(result)!.pid).not.toBe(slowPid);
    }
  });

  // The ones queued behind never started: they run in a new instance, whose module state starts afresh.
  it.each([
    { kind: 'spin', timeout: 1, failure: { kind: 'timeout', error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: req-1 Error: Task timed out after 1.00 seconds' } } },
    { kind: 'exit', timeout: 6, failure: { kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: req-1 Error: Runtime exited with error: exit status 3' } } },
  ])('runs the invocations queued behind one that ends its instance ($kind) elsewhere; only that one fails', async ({ kind, timeout, failure }) => {
    const inv = await start(timeout);
    const results = await Promise.all([
      inv.invoke('behave', { kind }, { awsRequestId: 'req-1' }),
      ...[1, 2, 3].map((id) => inv.invoke('behave', { id })),
    ]);
    expect(results[0]).toMatchObject({ ok: false, ...failure });
    // The timeout counts from the invocation's own start, not from the warm-up's (whose timer was still armed).
    if (kind === 'spin') expect(results[0]!.durationMs).toBeGreaterThanOrEqual(1000);
    expect(results.slice(1).map((r) => valueOf(r)?.id)).toEqual([1, 2, 3]);
    expect(results.slice(1).map((r) => valueOf(r)!.count).sort()).toEqual([1, 2, 3]);
  });

  // Events travel as JSON: one that has none (cyclic, BigInt) can come only from a library caller, never from
  // the gateway. It must fail alone, as Lambda refuses such a payload, and not take the invocations sent with it.
  it('fails an event JSON cannot encode with InvalidRequestContentException; those sent with it still run', async () => {
    const inv = await start(6, 1);
    const cyclic: Record<string, unknown> = { id: 'cyclic' };
    cyclic.self = cyclic;
    const results = await Promise.all([
      inv.invoke('behave', { id: 1 }),
      inv.invoke('behave', cyclic),
      inv.invoke('behave', { id: 2, big: 1n }),
      inv.invoke('behave', { id: 3 }),
    ]);
    expect(results.map((r) => valueOf(r)?.id)).toEqual([1, undefined, undefined, 3]);
    for (const failed of [results[1], results[2]]) {
      expect(failed).toMatchObject({ ok: false, kind: 'error', error: { errorType: 'InvalidRequestContentException' } });
    }
    expect(results[1]!.ok === false && results[1]!.error.errorMessage).toMatch(/circular/i);
    expect(results[2]!.ok === false && results[2]!.error.errorMessage).toMatch(/BigInt/);
    // The instance lived on, and ran exactly the two it could read.
    expect(await inv.invoke('behave', { id: 4 })).toMatchObject({ ok: true, value: { id: 4, count: 4 } });
  });
});
