import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorDetail } from '../../src/errors.js';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker, type HandlerLogEntry } from '../../src/runtime/node-invoker.js';
import { createWaitableList } from '../support/waitable-list.js';
import { buildModel, copyFixture } from './runtime-fixture.js';

// The Lambda context and environment a handler sees, and where its console output goes.
describe('createNodeInvoker: context, environment and logs', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  let invoker: Invoker;
  // Output comes through pipes, the result through the IPC channel: in no fixed order, so tests wait for lines.
  const logs = createWaitableList<HandlerLogEntry>();
  const warnings: ErrorDetail[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    fixture = await copyFixture();
    // The developer's own credentials and settings must not reach handlers.
    process.env.AWS_ACCESS_KEY_ID = 'AKIADEVELOPERSREALKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'developer-real-secret';
    process.env.AWS_PROFILE = 'developer-profile';
    process.env.WSGATE_TEST_LEAK = 'leaked';
    const model = buildModel(
      fixture.dir,
      {
        context: { handler: 'handler.context', memorySize: 512, timeout: 3, name: 'chat-dev-context' },
        env: {
          handler: 'handler.env',
          environment: { FUNCTION_ONLY: 'fn', SHARED: 'function wins', TABLE: { Ref: 'ConnectionsTable' } },
        },
        envAll: { handler: 'handler.envAll' },
        log: { handler: 'handler.log' },
      },
      { environment: { PROVIDER_ONLY: 'provider', SHARED: 'provider value', QUEUE_URL: { 'Fn::GetAtt': ['Queue', 'Url'] } } },
    );
    invoker = createNodeInvoker(model, {
      env: { GATEWAY_HINT: 'from the invoker', SHARED: 'invoker wins' },
      onLog: (entry) => logs.push(entry),
      onWarning: (warning) => warnings.push(warning),
    });
  });

  afterAll(async () => {
    await invoker?.close();
    await fixture?.remove();
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'WSGATE_TEST_LEAK']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('gives the handler a Lambda context', async () => {
    const result = await invoker.invoke('context', {}, { awsRequestId: 'c0ffee00-0000-4000-8000-000000000001' });
    expect(result.ok).toBe(true);
    const context = (result.ok ? result.value : {}) as Record<string, unknown>;
    expect(context).toMatchObject({
      awsRequestId: 'c0ffee00-0000-4000-8000-000000000001',
      functionName: 'chat-dev-context',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:chat-dev-context',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/chat-dev-context',
      callbackWaitsForEmptyEventLoop: true,
      hasSucceed: true,
      hasFail: true,
      hasDone: true,
    });
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    // Own enumerable keys in the Lambda Node.js runtime's order (callbacks, environment data, invoke data), so
    // that logging or serializing the context shows what it shows on AWS.
    expect(context.keys).toEqual([
      'callbackWaitsForEmptyEventLoop',
      'succeed',
      'fail',
      'done',
      'functionVersion',
      'functionName',
      'memoryLimitInMB',
      'logGroupName',
      'logStreamName',
      'clientContext',
      'identity',
      'invokedFunctionArn',
      'awsRequestId',
      'getRemainingTimeInMillis',
    ]);
    expect(context.json).toMatchObject({ callbackWaitsForEmptyEventLoop: true, awsRequestId: 'c0ffee00-0000-4000-8000-000000000001' });
    expect(context.remaining).toBeGreaterThan(1000);
    expect(context.remaining).toBeLessThanOrEqual(3000);
  });

  it("keeps the platform's function name in later contexts when a handler changes AWS_LAMBDA_FUNCTION_NAME", async () => {
    // docs/runtime.md: the context's environment fields are read once; the handler's change stays its own.
    const first = await invoker.invoke('context', { setFunctionName: 'renamed-by-handler' });
    const second = await invoker.invoke('context', {});
    expect(first.ok && first.value).toMatchObject({ functionName: 'chat-dev-context', envFunctionName: 'renamed-by-handler' });
    expect(second.ok && second.value).toMatchObject({ functionName: 'chat-dev-context', envFunctionName: 'renamed-by-handler' });
  });

  it('generates a request id when the caller gives none', async () => {
    const result = await invoker.invoke('context', {});
    expect(result.ok && (result.value as { awsRequestId: string }).awsRequestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('sets the variables AWS sets, then provider and function environment, then the invoker env', async () => {
    const result = await invoker.invoke('envAll', {});
    const env = (result.ok ? result.value : {}) as Record<string, string>;
    expect(env).toMatchObject({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'runtime-basic-dev-envAll',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/runtime-basic-dev-envAll',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      LAMBDA_TASK_ROOT: fixture.dir,
      _HANDLER: 'handler.envAll',
      TZ: ':UTC',
      PROVIDER_ONLY: 'provider',
      GATEWAY_HINT: 'from the invoker',
      SHARED: 'invoker wins',
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
    expect(env.AWS_SESSION_TOKEN).toBeTruthy();
    expect(env.AWS_ACCESS_KEY_ID).not.toBe('AKIADEVELOPERSREALKEY');
    expect(env.AWS_SECRET_ACCESS_KEY).not.toBe('developer-real-secret');
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.WSGATE_TEST_LEAK).toBeUndefined();
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('lets the function environment override the provider and skips intrinsics it cannot evaluate with one warning each', async () => {
    const result = await invoker.invoke('env', { names: ['FUNCTION_ONLY', 'PROVIDER_ONLY', 'TABLE', 'QUEUE_URL'] });
    expect(result).toMatchObject({ ok: true, value: { FUNCTION_ONLY: 'fn', PROVIDER_ONLY: 'provider' } });
    const env = (result.ok ? result.value : {}) as Record<string, unknown>;
    expect(env.TABLE).toBeUndefined();
    expect(env.QUEUE_URL).toBeUndefined();
    const intrinsicWarnings = warnings.filter((w) => w.code === 'RUNTIME_ENVIRONMENT_INTRINSIC');
    expect(intrinsicWarnings.map((w) => w.path).sort()).toEqual(
      [
        'functions.env.environment.TABLE',
        'provider.environment.QUEUE_URL',
        // Every function inherits provider.environment, and each gets told once.
        'provider.environment.QUEUE_URL',
        'provider.environment.QUEUE_URL',
        'provider.environment.QUEUE_URL',
      ].sort(),
    );
    const tableWarning = intrinsicWarnings.find((w) => w.path === 'functions.env.environment.TABLE');
    expect(tableWarning?.message).toContain("function 'env'");
    // The intrinsic at fault and why: the service declares no resource ConnectionsTable.
    expect(tableWarning?.message).toContain('(Ref)');
    expect(tableWarning?.message).toContain('no resource ConnectionsTable');
    expect(tableWarning?.hint).toContain('custom.wsgate.environment');
  });

  it('sends handler output to onLog line by line, tagged with the function key and stream', async () => {
    expect(await invoker.invoke('log', {})).toMatchObject({ ok: true, value: 'logged' });
    await logs.waitFor((entry) => entry.functionKey === 'log' && entry.line === 'lines');
    await logs.waitFor((entry) => entry.functionKey === 'log' && entry.line === 'an error line');
    const lines = logs.items.filter((entry) => entry.functionKey === 'log');
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual(['first line', 'two', 'lines']);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(['an error line']);
  });
});
