import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { findExecutable } from '../../src/runtime/runtime-api/find-executable.js';
import { buildServiceModel } from '../support/service-model.js';

// What a runtime sees of the Runtime API and its environment, as AWS documents them
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html, .../configuration-envvars.html).
const HEADERS_BOOTSTRAP = `#!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  curl -sS -D "$HEADERS" -o /dev/null "$API/invocation/next"
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  value () { grep -Fi "$1:" "$HEADERS" | cut -d' ' -f2- | tr -d '\\r\\n'; }
  printf '{"requestId":"%s","deadlineMs":"%s","arn":"%s","traceId":"%s","runtimeApi":"%s","handler":"%s","taskRoot":"%s","executionEnv":"%s"}' \\
    "$ID" "$(value Lambda-Runtime-Deadline-Ms)" "$(value Lambda-Runtime-Invoked-Function-Arn)" "$(value Lambda-Runtime-Trace-Id)" \\
    "$AWS_LAMBDA_RUNTIME_API" "$_HANDLER" "$LAMBDA_TASK_ROOT" "\${AWS_EXECUTION_ENV:-unset}" > "$HEADERS.json"
  curl -sS "$API/invocation/$ID/response" --data-binary "@$HEADERS.json" > /dev/null
  rm -f "$HEADERS" "$HEADERS.json"
done
`;
const PYTHON_HANDLERS = `
import layered_helper

def from_layer(event, context):
    return layered_helper.greeting()

def allocate(event, context):
    data = bytearray(512 * 1024 * 1024)
    return len(data)
`;

const python = process.env.WSGATE_TEST_PYTHON ?? 'python3';
let dir: string;
let invoker: Invoker;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-runtime-api-'));
  const service = path.join(dir, 'service');
  const layer = path.join(dir, 'layer');
  await mkdir(path.join(layer, 'python'), { recursive: true });
  await mkdir(service);
  await writeFile(path.join(layer, 'bootstrap'), HEADERS_BOOTSTRAP);
  await chmod(path.join(layer, 'bootstrap'), 0o755);
  await writeFile(path.join(layer, 'python', 'layered_helper.py'), 'def greeting():\n    return "hello from the layer"\n');
  await writeFile(path.join(service, 'handler.py'), PYTHON_HANDLERS);
  const localLayers = [{ name: 'shared', dir: layer }];
  invoker = createNodeInvoker(
    buildServiceModel({
      service: 'details',
      serviceDir: service,
      functions: {
        headers: { handler: 'any.thing', runtime: 'provided.al2023', timeout: 5, localLayers },
        layered: { handler: 'handler.from_layer', runtime: 'python3.12', localLayers },
        hungry: { handler: 'handler.allocate', runtime: 'python3.12', memorySize: 128, localLayers },
      },
      custom: { wsgate: { python } },
    }),
  );
});

afterAll(async () => {
  await invoker?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the Runtime API as a bootstrap sees it', () => {
  it("gives invocation/next the request id, deadline, function ARN and X-Ray trace header, and the runtime Lambda's variables", async () => {
    const before = Date.now();
    const result = await invoker.invoke('headers', { hello: 'world' }, { awsRequestId: 'c0ffee00-1234-4abc-8def-000000000001' });
    expect(result.ok).toBe(true);
    const seen = (result as { value: Record<string, string> }).value;
    expect(seen).toMatchObject({
      requestId: 'c0ffee00-1234-4abc-8def-000000000001',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:details-dev-headers',
      handler: 'any.thing',
      taskRoot: path.join(dir, 'service'),
      // Lambda sets no AWS_EXECUTION_ENV for OS-only runtimes.
      executionEnv: 'unset',
    });
    expect(seen.runtimeApi).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(seen.traceId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    // The deadline is the function's timeout (5 s) from the invocation's start, in epoch milliseconds.
    expect(Number(seen.deadlineMs)).toBeGreaterThanOrEqual(before + 4_000);
    expect(Number(seen.deadlineMs)).toBeLessThanOrEqual(Date.now() + 5_000);
  });
});

describe('Python functions with layers and a memory size', () => {
  it("imports a module from a layer's python/ folder (Lambda's /opt/python)", async () => {
    expect(await invoker.invoke('layered', {})).toMatchObject({ ok: true, value: 'hello from the layer' });
  });

  it.skipIf(!findExecutable('prlimit'))('fails a handler that allocates more than memorySize with MemoryError', async () => {
    expect(await invoker.invoke('hungry', {})).toMatchObject({ ok: false, kind: 'error', error: { errorType: 'MemoryError' } });
  });
});

describe('Python not found', () => {
  it('warns at start-up and fails every invocation with Runtime.InvalidEntrypoint naming what was looked for', async () => {
    const noted: { code: string; message: string }[] = [];
    const none = createNodeInvoker(
      buildServiceModel({
        service: 'nopython',
        serviceDir: dir,
        functions: { f: { handler: 'handler.from_layer', runtime: 'python3.12' } },
        custom: { wsgate: { python: 'python3-that-does-not-exist' } },
      }),
      { onWarning: (warning) => noted.push(warning) },
    );
    try {
      expect(noted.map((warning) => warning.code)).toEqual(['RUNTIME_PYTHON_MISSING']);
      expect(await none.invoke('f', {})).toMatchObject({
        ok: false,
        kind: 'init',
        error: { errorType: 'Runtime.InvalidEntrypoint', errorMessage: expect.stringContaining('python3-that-does-not-exist (from custom.wsgate.python) was not found') },
      });
    } finally {
      await none.close();
    }
  });
});

describe('a python of another version than declared', () => {
  it('gets one start-up note per interpreter and declared version, naming both versions', async () => {
    // Stands in for an interpreter: answers the version query as Python 3.9 would.
    const fake = path.join(dir, 'python3.9-stand-in');
    await writeFile(fake, '#!/bin/sh\necho 3.9\n');
    await chmod(fake, 0o755);
    const noted: { code: string; message: string }[] = [];
    let heard!: () => void;
    const first = new Promise<void>((resolve) => (heard = resolve));
    const mismatched = createNodeInvoker(
      buildServiceModel({
        service: 'version',
        serviceDir: dir,
        functions: { a: { handler: 'handler.from_layer', runtime: 'python3.12' }, b: { handler: 'handler.allocate', runtime: 'python3.12' } },
        custom: { wsgate: { python: fake } },
      }),
      {
        onWarning: (warning) => {
          noted.push(warning);
          heard();
        },
      },
    );
    try {
      await first;
      // The version query of the second function shares the first's; any second note would be queued behind it.
      await new Promise((resolve) => setImmediate(resolve));
      expect(noted.map((warning) => warning.code)).toEqual(['RUNTIME_PYTHON_VERSION']);
      expect(noted[0]!.message).toBe(`function 'a' declares python3.12 but ${fake} is Python 3.9; its handlers run on 3.9`);
    } finally {
      await mismatched.close();
    }
  });
});
