import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker, type HandlerLogEntry } from '../../src/runtime/node-invoker.js';
import { buildServiceModel } from '../support/service-model.js';
import { createWaitableList, type WaitableList } from '../support/waitable-list.js';

const HANDLER = `
console.log('loading the module');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const work = async (event) => {
  if (event.kind === 'late') {
    console.log('now ' + event.name);
    setTimeout(() => console.log('late ' + event.name), event.ms);
  } else {
    await sleep(event.ms);
    process.stdout.write('part one ');
    process.stdout.write('and two\\nsecond line\\n');
    console.error('on stderr ' + event.name);
  }
  return 'done';
};
`;

/** A handler's log lines carry the Lambda request id of the invocation whose code wrote them, and its instance. */
describe('handler log lines by Lambda request id', () => {
  let dir: string;
  let invoker: Invoker | undefined;
  let logs: WaitableList<HandlerLogEntry>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wsgate-log-attribution-'));
    await writeFile(path.join(dir, 'handler.mjs'), HANDLER);
  });
  afterEach(async () => {
    await invoker?.close();
    invoker = undefined;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const start = (attributeLogs: boolean) => {
    logs = createWaitableList<HandlerLogEntry>();
    const model = buildServiceModel({ service: 'logs', serviceDir: dir, functions: { work: { handler: 'handler.work', runtime: 'nodejs22.x' } } });
    // One instance: the late line fires while the next invocation runs in the same process.
    invoker = createNodeInvoker(model, { onLog: (entry) => logs.push(entry), maxInstancesPerFunction: 1, attributeLogs });
    return invoker;
  };
  const line = (text: string) => logs.waitFor((entry) => entry.line === text);

  it('gives a line written by a timer after its invocation ended to that invocation, marked late, while another runs', async () => {
    const inv = start(true);
    const first = await inv.invoke('work', { kind: 'late', name: 'a', ms: 300 }, { awsRequestId: 'req-a' });
    expect(first).toMatchObject({ ok: true, value: 'done', instance: 'work#1' });
    const second = inv.invoke('work', { kind: 'slow', name: 'b', ms: 1500 }, { awsRequestId: 'req-b' });

    expect(await line('now a')).toEqual({ functionKey: 'work', stream: 'stdout', line: 'now a', instance: 'work#1', awsRequestId: 'req-a' });
    expect(await line('late a')).toEqual({ functionKey: 'work', stream: 'stdout', line: 'late a', instance: 'work#1', awsRequestId: 'req-a', late: true });
    expect(await second).toMatchObject({ ok: true, instance: 'work#1' });
    // Partial writes make one line; each line of a write is tagged; stderr too.
    expect(await line('part one and two')).toMatchObject({ awsRequestId: 'req-b', stream: 'stdout' });
    expect(await line('second line')).toMatchObject({ awsRequestId: 'req-b' });
    expect(await line('on stderr b')).toMatchObject({ awsRequestId: 'req-b', stream: 'stderr' });
    // Module code belongs to no invocation.
    expect((await line('loading the module')).awsRequestId).toBeUndefined();
    expect(logs.items.filter((entry) => entry.late).map((entry) => entry.line)).toEqual(['late a']);
    expect(logs.items.some((entry) => /[\u001e\u001f]/.test(entry.line))).toBe(false);
  });

  it('without attribution, gives a line to the invocation running when it arrives, and none to a line written while idle', async () => {
    const inv = start(false);
    expect(await inv.invoke('work', { kind: 'late', name: 'c', ms: 50 }, { awsRequestId: 'req-c' })).toMatchObject({ ok: true });
    expect((await line('now c')).awsRequestId).toBe('req-c');
    const late = await line('late c');
    expect(late.awsRequestId).toBeUndefined();
    expect(late.late).toBeUndefined();
  });
});
