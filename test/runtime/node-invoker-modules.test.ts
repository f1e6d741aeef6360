import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import type { Invoker } from '../../src/runtime/invoker.js';
import { buildModel, copyFixture } from './runtime-fixture.js';

// Module loading as Lambda's Node.js runtime does it: CommonJS, ES modules, TypeScript, nested exports,
// and the Runtime.* init errors with Lambda's own texts.
describe('createNodeInvoker: loading handler modules', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  let invoker: Invoker;
  const logs: string[] = [];

  beforeAll(async () => {
    fixture = await copyFixture();
    const model = buildModel(fixture.dir, {
      cjs: { handler: 'handler.echo' },
      nested: { handler: 'handler.nested.deep.fn' },
      mjs: { handler: 'esm/handler.handler' },
      typeModule: { handler: 'esm-pkg/handler.handler' },
      ts: { handler: 'ts/handler.hello' },
      tsFails: { handler: 'ts/handler.fails' },
      mts: { handler: 'ts/module.handler' },
      subfolder: { handler: 'nested/dir/deep.handler' },
      missingModule: { handler: 'nowhere.handler' },
      missingExport: { handler: 'handler.doesNotExist' },
      notAFunction: { handler: 'handler.notAFunction' },
      syntax: { handler: 'broken/syntax.handler' },
      tsSyntax: { handler: 'ts/broken.handler' },
      throwsAtLoad: { handler: 'broken/throws-at-load.handler' },
      missingDependency: { handler: 'broken/missing-dependency.handler' },
      exitAtLoad: { handler: 'broken/exit-at-load.handler' },
    });
    invoker = createNodeInvoker(model, { onLog: (entry) => logs.push(`${entry.functionKey}: ${entry.line}`) });
  });

  afterAll(async () => {
    await invoker?.close();
    await fixture?.remove();
  });

  it('runs a CommonJS handler and returns the JSON round-trip of its result', async () => {
    const result = await invoker.invoke('cjs', { a: 1, when: new Date(0) });
    expect(result).toMatchObject({ ok: true, value: { received: { a: 1, when: '1970-01-01T00:00:00.000Z' }, style: 'async' } });
  });

  it('resolves nested exports (file.obj.fn) and handlers in sub-folders, with the service folder as cwd', async () => {
    expect(await invoker.invoke('nested', {})).toMatchObject({ ok: true, value: 'nested export' });
    expect(await invoker.invoke('subfolder', {})).toMatchObject({
      ok: true,
      value: { where: 'nested/dir/deep.js', cwd: fixture.dir },
    });
  });

  it('imports .mjs files and .js files under "type": "module" as ES modules', async () => {
    expect(await invoker.invoke('mjs', 'x')).toMatchObject({ ok: true, value: { format: 'mjs', isCommonJs: false, received: 'x' } });
    expect(await invoker.invoke('typeModule', {})).toMatchObject({ ok: true, value: { format: 'esm-by-package-type', meta: true } });
  });

  it('compiles TypeScript handlers (.ts as CommonJS, .mts as ES module) with their relative imports', async () => {
    expect(await invoker.invoke('ts', { name: 'wsgate' })).toMatchObject({
      ok: true,
      value: { text: 'hello wsgate', length: 12 },
    });
    expect(await invoker.invoke('mts', {})).toMatchObject({ ok: true, value: { format: 'mts', text: 'hello esm' } });
  });

  it('maps stack traces of TypeScript handlers back to the .ts source', async () => {
    const result = await invoker.invoke('tsFails', {});
    expect(result).toMatchObject({ ok: false, kind: 'error', error: { errorType: 'Error', errorMessage: 'typed failure' } });
    const trace = result.ok ? [] : (result.error.trace ?? []);
    expect(trace[0]).toBe('Error: typed failure');
    expect(trace.some((line) => /ts[\\/]handler\.ts:\d+:\d+/.test(line))).toBe(true);
  });

  it('reports a missing module as Runtime.ImportModuleError with Lambda\'s text', async () => {
    const result = await invoker.invoke('missingModule', {});
    expect(result).toMatchObject({
      ok: false,
      kind: 'init',
      error: {
        errorType: 'Runtime.ImportModuleError',
        errorMessage: "Error: Cannot find module 'nowhere'\nRequire stack:\n- /var/runtime/index.mjs",
      },
    });
  });

  it('reports a missing dependency of the handler as Runtime.ImportModuleError', async () => {
    const result = await invoker.invoke('missingDependency', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.kind).toBe('init');
    expect(result.error.errorType).toBe('Runtime.ImportModuleError');
    expect(result.error.errorMessage).toMatch(/^Error: Cannot find module 'a-package-that-is-not-installed'/);
  });

  it('reports a missing or non-function export as Runtime.HandlerNotFound', async () => {
    expect(await invoker.invoke('missingExport', {})).toMatchObject({
      ok: false,
      kind: 'init',
      error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'handler.doesNotExist is undefined or not exported' },
    });
    expect(await invoker.invoke('notAFunction', {})).toMatchObject({
      ok: false,
      kind: 'init',
      error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'handler.notAFunction is not a function' },
    });
  });

  it('reports syntax errors in JavaScript and TypeScript as Runtime.UserCodeSyntaxError', async () => {
    const js = await invoker.invoke('syntax', {});
    expect(js).toMatchObject({ ok: false, kind: 'init', error: { errorType: 'Runtime.UserCodeSyntaxError' } });
    if (!js.ok) expect(js.error.errorMessage).toMatch(/^SyntaxError: /);
    const ts = await invoker.invoke('tsSyntax', {});
    expect(ts).toMatchObject({ ok: false, kind: 'init', error: { errorType: 'Runtime.UserCodeSyntaxError' } });
    if (!ts.ok) expect(ts.error.errorMessage).toMatch(/^SyntaxError: .*broken\.ts:2:\d+: /);
  });

  it('reports an error thrown while loading as that error, and a process.exit while loading as Runtime.ExitError', async () => {
    const thrown = await invoker.invoke('throwsAtLoad', {});
    expect(thrown).toMatchObject({ ok: false, kind: 'init', error: { errorType: 'Error', errorMessage: 'initialisation failed' } });
    const exited = await invoker.invoke('exitAtLoad', {}, { awsRequestId: 'req-exit-at-load' });
    expect(exited).toMatchObject({
      ok: false,
      kind: 'init',
      error: {
        errorType: 'Runtime.ExitError',
        errorMessage: 'RequestId: req-exit-at-load Error: Runtime exited with error: exit status 2',
      },
    });
  });

  it('retries the init on the next invocation after an init failure', async () => {
    const first = await invoker.invoke('missingExport', {});
    const second = await invoker.invoke('missingExport', {});
    expect(first).toMatchObject({ ok: false, kind: 'init' });
    expect(second).toMatchObject({ ok: false, kind: 'init' });
  });

  it('answers an unknown function key without starting anything', async () => {
    expect(await invoker.invoke('nope', {})).toMatchObject({
      ok: false,
      kind: 'init',
      error: {
        errorType: 'ResourceNotFoundException',
        errorMessage: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:nope',
      },
    });
  });
});
