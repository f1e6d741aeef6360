// Invocations per second of a trivial handler through the Node runtime (warm instance, one child process per
// instance, IPC round trip) against calling the same handler in-process. Run: npm run build && node bench/invoke.mjs
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createNodeInvoker } from '../dist/runtime/node-invoker.js';

const serviceDir = fileURLToPath(new URL('../test/fixtures/services/runtime-basic/', import.meta.url));
const durationMs = Number(process.env.BENCH_MS ?? 2000);
const event = { requestContext: { routeKey: '$default', connectionId: 'L0SM9cOFvHcCIhw=' }, body: '{"action":"echo"}' };

function fn(key, handler) {
  return [
    key,
    { key, name: `bench-dev-${key}`, handler, runtime: 'nodejs20.x', memorySize: 1024, timeout: 6, environment: {}, tags: {}, websocketRouteKeys: [], configPath: `functions.${key}` },
  ];
}
const model = {
  service: 'bench',
  serviceDir,
  configFile: path.join(serviceDir, 'serverless.yml'),
  stage: 'dev',
  region: 'us-east-1',
  provider: { environment: {} },
  functions: new Map([fn('echo', 'handler.echo')]),
};

async function measure(label, concurrency, call) {
  let count = 0;
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        count++;
      }
    }),
  );
  const perSecond = (count * 1000) / durationMs;
  console.log(`${label.padEnd(40)} ${perSecond.toFixed(0).padStart(9)} invocations/s`);
  return perSecond;
}

const handler = createRequire(import.meta.url)(path.join(serviceDir, 'handler.js')).echo;
const inProcess = await measure('in-process async call (+ JSON round trip)', 1, async () =>
  JSON.parse(JSON.stringify(await handler(JSON.parse(JSON.stringify(event)), {}))),
);

const invoker = createNodeInvoker(model, { onLog: () => {}, maxInstancesPerFunction: 4 });
const cold = performance.now();
const first = await invoker.invoke('echo', event);
if (!first.ok) throw new Error(`bench handler failed: ${JSON.stringify(first)}`);
console.log(`${'cold start (first invocation)'.padEnd(40)} ${(performance.now() - cold).toFixed(1).padStart(9)} ms`);
const sequential = await measure('node runtime, 1 warm instance', 1, () => invoker.invoke('echo', event));
const parallel = await measure('node runtime, 4 instances in parallel', 4, () => invoker.invoke('echo', event));
await invoker.close();

console.log(`ratio in-process / runtime (sequential): ${(inProcess / sequential).toFixed(0)}x`);
console.log(`ratio in-process / runtime (4 parallel): ${(inProcess / parallel).toFixed(0)}x`);
