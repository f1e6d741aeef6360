import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker, type HandlerLogEntry, type NodeInvokerOptions } from '../../src/runtime/node-invoker.js';
import { buildServiceModel } from '../support/service-model.js';

// What Python's channel mode (the Node runner's protocol) adds to the Runtime API's behaviour: invocations queued
// ahead in one environment, handed back when a slow one holds them, and the same answers at the edges.
const HANDLER = `
import os, time
calls = 0
def count(event, context):
    global calls
    calls += 1
    print("call", calls)
    return {"call": calls, "id": context.aws_request_id}
def slow(event, context):
    time.sleep(event["seconds"])
    return "slow done"
def quick(event, context):
    return "quick done"
def nan(event, context):
    return {"value": float("nan")}
def huge(event, context):
    return "x" * 6291556
def environment(event, context):
    return {name: os.environ.get(name) for name in ("AWS_LAMBDA_RUNTIME_API", "NODE_CHANNEL_FD", "_X_AMZN_TRACE_ID")}
`;

const python = process.env.WSGATE_TEST_PYTHON ?? 'python3';
let dir: string;
let channel: Invoker;
let runtimeApi: Invoker;
const logs: HandlerLogEntry[] = [];

/** An invoker of the handlers above, each function with this timeout (seconds). */
function invokerOf(timeout: number, options: NodeInvokerOptions = {}, pythonRuntimeApi = false): Invoker {
  const names = ['count', 'slow', 'quick', 'nan', 'huge', 'environment'];
  const functions = Object.fromEntries(names.map((name) => [name, { handler: `handler.${name}`, runtime: 'python3.12', timeout }]));
  return createNodeInvoker(buildServiceModel({ service: 'channel', serviceDir: dir, functions, custom: { wsgate: { python, pythonRuntimeApi } } }), options);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-python-channel-'));
  await writeFile(path.join(dir, 'handler.py'), HANDLER);
  channel = invokerOf(10, { maxInstancesPerFunction: 1, attributeLogs: true, onLog: (entry) => logs.push(entry) });
  runtimeApi = invokerOf(10, {}, true);
});

afterAll(async () => {
  await channel?.close();
  await runtimeApi?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Python on the runner channel', () => {
  it('runs 200 concurrent invocations in one environment, one at a time, each answered with its own result', async () => {
    await channel.invoke('count', {});
    const ids = Array.from({ length: 200 }, (_, i) => `req-${i}`);
    const results = await Promise.all(ids.map((awsRequestId) => channel.invoke('count', {}, { awsRequestId })));
    expect(results.every((result) => result.ok && result.instance === 'count#1')).toBe(true);
    expect(results.map((result) => (result.ok ? (result.value as { id: string }).id : undefined))).toEqual(ids);
    const calls = results.map((result) => (result.ok ? (result.value as { call: number }).call : 0));
    expect(new Set(calls).size).toBe(200);
    expect(Math.min(...calls)).toBe(2);
    expect(Math.max(...calls)).toBe(201);
  });

  it("tags each printed line with the request id of the invocation that printed it", async () => {
    const result = await channel.invoke('count', {}, { awsRequestId: 'log-me' });
    expect(result.ok).toBe(true);
    const call = (result.ok && (result.value as { call: number }).call) as number;
    const line = logs.find((entry) => entry.line === `call ${call}`);
    expect(line).toMatchObject({ functionKey: 'count', stream: 'stdout', awsRequestId: 'log-me', instance: 'count#1' });
  });

  it('hands an invocation queued behind a slow one back to the pool, which runs it in another environment first', async () => {
    const two = invokerOf(10, { maxInstancesPerFunction: 2 });
    try {
      await two.invoke('slow', { seconds: 0 });
      const order: string[] = [];
      const record = (name: string) => (result: Awaited<ReturnType<Invoker['invoke']>>) => order.push(`${name} ${String(result.ok && result.value)} on ${result.instance}`);
      // The quick one is queued behind the slow one in slow#1 (the pool's only environment), then handed back.
      const slow = two.invoke('slow', { seconds: 1.5 }).then(record('slow'));
      const quick = two.invoke('slow', { seconds: 0 }).then(record('quick'));
      await Promise.all([slow, quick]);
      expect(order).toEqual(['quick slow done on slow#2', 'slow slow done on slow#1']);
    } finally {
      await two.close();
    }
  });

  it('keeps the answers of quick invocations queued just before one that hangs past its timeout', async () => {
    const oneSecond = invokerOf(1, { maxInstancesPerFunction: 1 });
    try {
      await oneSecond.invoke('slow', { seconds: 0 });
      // Written to the environment in one write: the quick ones' answers wait there for each other.
      const quick = Array.from({ length: 5 }, () => oneSecond.invoke('slow', { seconds: 0 }));
      const hanging = oneSecond.invoke('slow', { seconds: 30 }, { awsRequestId: 'hangs' });
      expect(await Promise.all(quick)).toEqual(Array.from({ length: 5 }, () => expect.objectContaining({ ok: true, value: 'slow done' })));
      expect(await hanging).toMatchObject({ ok: false, kind: 'timeout', error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: hangs Error: Task timed out after 1.00 seconds' } });
    } finally {
      await oneSecond.close();
    }
  });

  it('passes a result with NaN on as its text, as the Runtime API does', async () => {
    const expected = await runtimeApi.invoke('nan', {});
    expect(expected).toMatchObject({ ok: true, value: '{"value": NaN}' });
    expect(await channel.invoke('nan', {})).toMatchObject({ ok: true, value: expected.ok && expected.value });
  });

  it('fails a response over 6 MB with Function.ResponseSizeTooLarge, as the Runtime API does', async () => {
    const error = {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    };
    expect(await runtimeApi.invoke('huge', {})).toMatchObject({ ok: false, kind: 'error', error });
    expect(await channel.invoke('huge', {})).toMatchObject({ ok: false, kind: 'error', error });
    expect(await channel.invoke('quick', {})).toMatchObject({ ok: true, value: 'quick done' });
  });

  it('gives the handler an X-Ray trace header, and no Runtime API variable (pythonRuntimeApi gives one)', async () => {
    const onChannel = await channel.invoke('environment', {});
    expect(onChannel).toMatchObject({ ok: true, value: { AWS_LAMBDA_RUNTIME_API: null, NODE_CHANNEL_FD: null } });
    expect((onChannel.ok && (onChannel.value as Record<string, string>)._X_AMZN_TRACE_ID) || '').toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    const onApi = await runtimeApi.invoke('environment', {});
    expect((onApi.ok && (onApi.value as Record<string, string>).AWS_LAMBDA_RUNTIME_API) || '').toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
