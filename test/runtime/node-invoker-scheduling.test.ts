import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { buildModel, copyFixture, waitUntil } from './runtime-fixture.js';

// SCHED_BATCH exists on Linux only, and wsgate sets it with util-linux's `chrt`.
const hasChrt =
  process.platform === 'linux' &&
  (() => {
    try {
      execFileSync('chrt', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

const SCHED_BATCH = 3;

/** A process's scheduling policy (sched(7): 0 SCHED_OTHER, 3 SCHED_BATCH): field 41 of `/proc/<pid>/stat`. */
function schedulingPolicy(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the parenthesised command start at field 3.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
}

describe.skipIf(!hasChrt)('createNodeInvoker: scheduling policy of handler instances (Linux)', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  // Children inherit it: whatever runs the tests may itself run under another policy.
  const ownPolicy = hasChrt ? schedulingPolicy(process.pid) : 0;
  beforeAll(async () => (fixture = await copyFixture()));
  afterAll(() => fixture?.remove());

  /** Starts an invoker, runs `check` with the pid of the instance that served a first invocation, then closes it. */
  const withFirstInstance = async (batchScheduling: boolean | undefined, check: (pid: number) => Promise<void> | void) => {
    const invoker: Invoker = createNodeInvoker(buildModel(fixture.dir, { counter: { handler: 'handler.counter' } }), { onLog: () => {}, batchScheduling });
    try {
      const result = await invoker.invoke('counter', {});
      expect(result).toMatchObject({ ok: true });
      await check((result as { value: { pid: number } }).value.pid);
    } finally {
      await invoker.close();
    }
  };

  it('runs each instance under SCHED_BATCH, and leaves the invoker’s own process as it was', async () => {
    await withFirstInstance(undefined, async (pid) => {
      // Set in the background as the instance starts: it never waits for `chrt`.
      await waitUntil(() => schedulingPolicy(pid) === SCHED_BATCH, 5000);
      expect(schedulingPolicy(process.pid)).toBe(ownPolicy);
    });
  });

  it('with batchScheduling: false, leaves instances under the policy they inherit', async () => {
    await withFirstInstance(false, (pid) => expect(schedulingPolicy(pid)).toBe(ownPolicy));
  });
});
