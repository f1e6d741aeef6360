import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { buildModel, copyFixture } from './runtime-fixture.js';

// Results and errors as the Lambda Node.js runtime reports them: async and callback styles, the legacy
// context.succeed/fail/done, first-of-callback-or-return, callbackWaitsForEmptyEventLoop, uncaught errors.
describe('createNodeInvoker: invocation semantics', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  let invoker: Invoker;
  const keys = [
    'callback',
    'succeed',
    'fail',
    'done',
    'firstWins',
    'promiseFirst',
    'syncNoCallback',
    'waitsForLoop',
    'throws',
    'rejects',
    'throwsSync',
    'callbackError',
    'callbackString',
    'circular',
    'nothing',
    'uncaught',
    'unhandled',
    'echo',
    'neverSettles',
  ];

  beforeAll(async () => {
    fixture = await copyFixture();
    const functions = Object.fromEntries(keys.map((key) => [key, { handler: `handler.${key}` }]));
    invoker = createNodeInvoker(buildModel(fixture.dir, functions), { onLog: () => {} });
  });

  afterAll(async () => {
    await invoker?.close();
    await fixture?.remove();
  });

  it('answers with what a callback-style handler passes to its callback', async () => {
    expect(await invoker.invoke('callback', {})).toMatchObject({ ok: true, value: { style: 'callback' } });
  });

  it('supports context.succeed, context.done and context.fail', async () => {
    expect(await invoker.invoke('succeed', {})).toMatchObject({ ok: true, value: { style: 'succeed' } });
    expect(await invoker.invoke('done', {})).toMatchObject({ ok: true, value: { style: 'done' } });
    expect(await invoker.invoke('fail', {})).toMatchObject({
      ok: false,
      kind: 'error',
      error: { errorType: 'RangeError', errorMessage: 'failed through context.fail' },
    });
  });

  it('keeps the first of callback and returned promise', async () => {
    expect(await invoker.invoke('firstWins', {})).toMatchObject({ ok: true, value: 'callback came first' });
    expect(await invoker.invoke('promiseFirst', {})).toMatchObject({ ok: true, value: 'promise came first' });
  });

  it('answers null when a non-async handler returns without calling back, once the event loop is empty', async () => {
    expect(await invoker.invoke('syncNoCallback', {})).toEqual(expect.objectContaining({ ok: true, value: null }));
  });

  it('answers Runtime.NodeJsExit when an async handler\'s promise never settles and nothing is left to run', async () => {
    const result = await invoker.invoke('neverSettles', {});
    expect(result).toMatchObject({ ok: false, kind: 'error', error: { errorType: 'Runtime.NodeJsExit' } });
    if (!result.ok) expect(result.error.errorMessage).toContain('Promise that was never settled');
    // The instance survives, as in Lambda.
    expect(await invoker.invoke('neverSettles', {})).toMatchObject({ ok: false, kind: 'error' });
  });

  it('waits for the event loop to empty after the callback unless callbackWaitsForEmptyEventLoop is false', async () => {
    const waited = await invoker.invoke('waitsForLoop', { wait: true, pendingMs: 300 });
    expect(waited).toMatchObject({ ok: true, value: { waited: true } });
    expect(waited.durationMs).toBeGreaterThanOrEqual(290);
    const immediate = await invoker.invoke('waitsForLoop', { wait: false, pendingMs: 3000 });
    expect(immediate).toMatchObject({ ok: true, value: { waited: false } });
    expect(immediate.durationMs).toBeLessThan(2000);
  });

  it('reports thrown and rejected errors as { errorType: name, errorMessage, trace }', async () => {
    const thrown = await invoker.invoke('throws', {});
    expect(thrown).toMatchObject({ ok: false, kind: 'error', error: { errorType: 'TypeError', errorMessage: 'bad input' } });
    if (!thrown.ok) {
      expect(thrown.error.trace?.[0]).toBe('TypeError: bad input');
      expect(thrown.error.trace?.some((line) => line.includes('handler.js'))).toBe(true);
    }
    expect(await invoker.invoke('rejects', {})).toMatchObject({
      ok: false,
      kind: 'error',
      error: { errorType: 'CustomError', errorMessage: 'nope' },
    });
    expect(await invoker.invoke('throwsSync', {})).toMatchObject({
      ok: false,
      kind: 'error',
      error: { errorType: 'Error', errorMessage: 'thrown synchronously' },
    });
  });

  it('reports callback errors, a non-Error value typed by typeof', async () => {
    expect(await invoker.invoke('callbackError', {})).toMatchObject({
      ok: false,
      kind: 'error',
      error: { errorType: 'Error', errorMessage: 'callback failed' },
    });
    expect(await invoker.invoke('callbackString', {})).toEqual(
      expect.objectContaining({
        ok: false,
        kind: 'error',
        error: { errorType: 'string', errorMessage: 'plain failure', trace: [] },
      }),
    );
  });

  it('reports a result that JSON cannot encode as an error, and undefined as no value', async () => {
    expect(await invoker.invoke('circular', {})).toMatchObject({
      ok: false,
      kind: 'error',
      error: { errorType: 'Error', errorMessage: 'Unable to stringify response body' },
    });
    const nothing = await invoker.invoke('nothing', {});
    expect(nothing.ok).toBe(true);
    expect(nothing.ok && nothing.value).toBeUndefined();
  });

  it('answers an uncaught exception with that error and replaces the instance', async () => {
    expect(await invoker.invoke('uncaught', {})).toMatchObject({
      ok: false,
      kind: 'crash',
      error: { errorType: 'SyntaxError', errorMessage: 'thrown from a timer' },
    });
    expect(await invoker.invoke('callback', {})).toMatchObject({ ok: true });
  });

  it('answers an unhandled rejection as Runtime.UnhandledPromiseRejection', async () => {
    expect(await invoker.invoke('unhandled', {})).toMatchObject({
      ok: false,
      kind: 'crash',
      error: { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: nobody caught me' },
    });
  });

  it('passes the event through JSON like Lambda (undefined becomes null)', async () => {
    expect(await invoker.invoke('echo', undefined)).toMatchObject({ ok: true, value: { received: null } });
  });
});
