import { describe, expect, it } from 'vitest';
import { WsgateError, type ErrorDetail } from '../../src/errors.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { parseHandler } from '../../src/runtime/parse-handler.js';
import { buildModel, FIXTURE_DIR } from './runtime-fixture.js';

describe('parseHandler', () => {
  it('splits the module at the first dot of the last path segment, like the Lambda runtime', () => {
    expect(parseHandler('src/handlers/chat.obj.fn', '/svc')).toEqual({
      ok: true,
      reference: { handler: 'src/handlers/chat.obj.fn', moduleName: 'chat', modulePath: '/svc/src/handlers/chat', exportPath: 'obj.fn' },
    });
    expect(parseHandler('handler.connect', '/svc')).toMatchObject({ ok: true, reference: { modulePath: '/svc/handler' } });
  });

  it('rejects strings without an export and paths leaving the service folder', () => {
    expect(parseHandler('handler', '/svc')).toMatchObject({ ok: false });
    expect(parseHandler('src/.handler', '/svc')).toMatchObject({ ok: false });
    expect(parseHandler('../shared/handler.fn', '/svc')).toMatchObject({ ok: false });
    expect(parseHandler('/etc/handler.fn', '/svc')).toMatchObject({ ok: false });
  });
});

describe('createNodeInvoker: configuration mistakes', () => {
  it('throws one WsgateError naming every bad handler with its config path and the file', () => {
    const model = buildModel(FIXTURE_DIR, {
      good: { handler: 'handler.echo' },
      outside: { handler: '../elsewhere/handler.fn' },
      noExport: { handler: 'handler' },
    });
    let caught: unknown;
    try {
      createNodeInvoker(model, { onLog: () => {} });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WsgateError);
    const error = caught as WsgateError;
    expect(error.code).toBe('RUNTIME_INVALID_HANDLER');
    expect(error.userError).toBe(true);
    expect(error.issues.map((i) => i.path)).toEqual(['functions.outside.handler', 'functions.noExport.handler']);
    expect(error.issues[0]!.message).toContain('outside the service folder');
    expect(error.issues[0]!.location?.file).toBe(model.configFile);
    expect(error.issues.every((i) => i.hint)).toBe(true);
  });

  it('warns about a runtime wsgate cannot run (java21) and fails its invocations without starting a process', async () => {
    const warnings: ErrorDetail[] = [];
    const model = buildModel(FIXTURE_DIR, { py: { handler: 'example.Handler::handleRequest', runtime: 'java21' } });
    const invoker = createNodeInvoker(model, { onLog: () => {}, onWarning: (w) => warnings.push(w) });
    expect(warnings).toMatchObject([{ code: 'RUNTIME_UNSUPPORTED', path: 'functions.py.runtime' }]);
    expect(await invoker.invoke('py', {})).toMatchObject({ ok: false, kind: 'init', error: { errorType: 'InvalidRuntimeException' } });
    await invoker.close();
  });
});
