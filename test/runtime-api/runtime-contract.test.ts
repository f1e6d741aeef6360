import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { buildServiceModel } from '../support/service-model.js';

// The same handler behaviours written for Node (the runner's own channel) and for Python (on the same channel, and
// against the Lambda Runtime API with custom.wsgate.pythonRuntimeApi) must give the gateway the same results.
const NODE_HANDLER = `
let calls = 0;
exports.value = async (event) => ({ statusCode: 200, body: event.text });
exports.raise = async () => { throw new TypeError('bad input'); };
exports.state = async () => ++calls;
exports.sleep = () => new Promise((resolve) => setTimeout(resolve, 30_000));
exports.quit = () => process.exit(2);
`;
const PYTHON_HANDLER = `
import sys, time
calls = 0
def value(event, context):
    return {"statusCode": 200, "body": event["text"]}
def raise_(event, context):
    raise TypeError("bad input")
def state(event, context):
    global calls
    calls += 1
    return calls
def sleep(event, context):
    time.sleep(30)
def quit(event, context):
    sys.exit(2)
`;
const ERROR_BOOTSTRAP = `#!/bin/sh
set -eu
while true; do
  HEADERS="$(mktemp)"
  curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next" > /dev/null
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS -X POST -H 'Lambda-Runtime-Function-Error-Type: Unhandled' \\
    "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/error" \\
    -d '{"errorMessage":"shell says no","errorType":"ShellError","stackTrace":["bootstrap line 7"]}' > /dev/null
done
`;
const INIT_ERROR_BOOTSTRAP = `#!/bin/sh
curl -sS -X POST "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/init/error" \\
  -d '{"errorMessage":"config missing","errorType":"Runtime.ConfigError"}' > /dev/null
exit 1
`;

const python = process.env.WSGATE_TEST_PYTHON ?? 'python3';
let dir: string;
let invoker: Invoker;
let runtimeApiInvoker: Invoker;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-contract-'));
  const shellDir = path.join(dir, 'shell');
  const initDir = path.join(dir, 'init');
  await writeFile(path.join(dir, 'handler.cjs'), NODE_HANDLER);
  await writeFile(path.join(dir, 'handler.py'), PYTHON_HANDLER);
  await mkdir(shellDir);
  await mkdir(initDir);
  await writeFile(path.join(shellDir, 'bootstrap'), ERROR_BOOTSTRAP);
  await writeFile(path.join(initDir, 'bootstrap'), INIT_ERROR_BOOTSTRAP);
  await chmod(path.join(shellDir, 'bootstrap'), 0o755);
  await chmod(path.join(initDir, 'bootstrap'), 0o755);
  const functions: Record<string, { handler: string; runtime: string; timeout?: number }> = {};
  for (const name of ['value', 'raise', 'state', 'sleep', 'quit']) {
    functions[`node-${name}`] = { handler: `handler.${name}`, runtime: 'nodejs22.x', timeout: 1 };
    functions[`python-${name}`] = { handler: `handler.${name === 'raise' ? 'raise_' : name}`, runtime: 'python3.12', timeout: 1 };
  }
  invoker = createNodeInvoker(buildServiceModel({ service: 'contract', serviceDir: dir, functions, custom: { wsgate: { python } } }));
  runtimeApiInvoker = createNodeInvoker(
    buildServiceModel({ service: 'contract', serviceDir: dir, functions, custom: { wsgate: { python, pythonRuntimeApi: true } } }),
  );
});

afterAll(async () => {
  await invoker?.close();
  await runtimeApiInvoker?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['node', 'python', 'python-runtime-api'])('runtime contract: %s', (variant) => {
  const runtime = variant === 'node' ? 'node' : 'python';
  const target = () => (variant === 'python-runtime-api' ? runtimeApiInvoker : invoker);
  it('passes the returned value on', async () => {
    expect(await target().invoke(`${runtime}-value`, { text: 'hi' })).toMatchObject({ ok: true, value: { statusCode: 200, body: 'hi' } });
  });

  it('reports a raised error with its type and message', async () => {
    expect(await target().invoke(`${runtime}-raise`, {})).toMatchObject({
      ok: false,
      kind: 'error',
      error: { errorType: 'TypeError', errorMessage: 'bad input' },
    });
  });

  it('keeps module state in the warm instance', async () => {
    expect(await target().invoke(`${runtime}-state`, {})).toMatchObject({ ok: true, value: 1 });
    expect(await target().invoke(`${runtime}-state`, {})).toMatchObject({ ok: true, value: 2 });
  });

  it("fails an invocation past the function's timeout with Sandbox.Timedout", async () => {
    const result = await target().invoke(`${runtime}-sleep`, {}, { awsRequestId: 'timeout-1' });
    expect(result).toMatchObject({
      ok: false,
      kind: 'timeout',
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: timeout-1 Error: Task timed out after 1.00 seconds' },
    });
  });

  it('reports an exit during the invocation as Runtime.ExitError, then starts a fresh instance', async () => {
    expect(await target().invoke(`${runtime}-quit`, {}, { awsRequestId: 'exit-1' })).toMatchObject({
      ok: false,
      kind: 'crash',
      error: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: exit-1 Error: Runtime exited with error: exit status 2' },
    });
    expect(await target().invoke(`${runtime}-value`, { text: 'again' })).toMatchObject({ ok: true, value: { body: 'again' } });
  });
});

describe('provided bootstraps and the Runtime API error paths', () => {
  let shell: Invoker;

  beforeAll(() => {
    const functions = { answersError: { handler: 'any.thing', runtime: 'provided.al2' } };
    shell = createNodeInvoker(buildServiceModel({ service: 'shell', serviceDir: path.join(dir, 'shell'), functions }));
  });

  afterAll(async () => {
    await shell?.close();
  });

  it('reports what a bootstrap posts to invocation/{id}/error, and keeps the environment', async () => {
    const expected = { ok: false, kind: 'error', error: { errorType: 'ShellError', errorMessage: 'shell says no', trace: ['bootstrap line 7'] } };
    expect(await shell.invoke('answersError', {})).toMatchObject(expected);
    expect(await shell.invoke('answersError', {})).toMatchObject(expected);
  });

  it('reports what a bootstrap posts to init/error as the failed init', async () => {
    const init = createNodeInvoker(
      buildServiceModel({ service: 'init', serviceDir: path.join(dir, 'init'), functions: { failsInit: { handler: 'x.y', runtime: 'provided.al2023' } } }),
    );
    try {
      expect(await init.invoke('failsInit', {})).toMatchObject({
        ok: false,
        kind: 'init',
        error: { errorType: 'Runtime.ConfigError', errorMessage: 'config missing' },
      });
    } finally {
      await init.close();
    }
  });

  it('answers Runtime.InvalidEntrypoint when the service has no bootstrap', async () => {
    const warnings: string[] = [];
    const none = createNodeInvoker(
      buildServiceModel({ service: 'none', serviceDir: path.join(dir, 'init', 'nowhere'), functions: { f: { handler: 'x.y', runtime: 'provided.al2' } } }),
      { onWarning: (warning) => warnings.push(warning.code) },
    );
    try {
      expect(await none.invoke('f', {})).toMatchObject({ ok: false, kind: 'init', error: { errorType: 'Runtime.InvalidEntrypoint' } });
      expect(warnings).toEqual(['RUNTIME_BOOTSTRAP_MISSING']);
    } finally {
      await none.close();
    }
  });
});
