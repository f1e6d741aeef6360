// The Lambda Runtime API (Python's bundled bootstrap) against the Node runner's own channel, in the same run:
// (1) invocations per second of an echo handler through the invoker, one warm instance; (2) a Python echo through
// a route response with C = 1/10/100 WebSocket clients, each sending its next message when the answer came,
// against the same echo in Node. Run: npm run build && node bench/runtime-api.mjs (BENCH_MS, WSGATE_PYTHON).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createGateway } from '../dist/gateway/create-gateway.js';
import { createNodeInvoker } from '../dist/runtime/node-invoker.js';

const serviceDir = fileURLToPath(new URL('./python-service/', import.meta.url));
const durationMs = Number(process.env.BENCH_MS ?? 3000);
const runtimes = { node: ['handler.echo', 'nodejs22.x'], python: ['handler.echo', 'python3.12'] };

function buildModel(routes) {
  const functions = new Map();
  for (const [key, [handler, runtime]] of Object.entries(runtimes)) {
    functions.set(key, { key, name: `bench-dev-${key}`, handler, runtime, memorySize: 1024, timeout: 6, environment: {}, tags: {}, websocketRouteKeys: routes ? [key] : [], configPath: `functions.${key}` });
  }
  return {
    service: 'bench', serviceDir, configFile: path.join(serviceDir, 'serverless.yml'), stage: 'dev', region: 'us-east-1',
    provider: { name: 'aws', runtime: 'nodejs22.x', environment: {} }, custom: {}, functions,
    websocket: { apiName: 'dev-bench-websockets', routeSelectionExpression: '$request.body.action', description: 'Serverless Websockets', useProviderTags: false,
      routes: routes ? Object.keys(runtimes).map((key) => ({ routeKey: key, functionKey: key, routeResponseSelectionExpression: '$default' })) : [], authorizers: new Map() },
  };
}

async function measure(concurrency, once) {
  let count = 0;
  const end = performance.now() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => { while (performance.now() < end) { await once(i); count++; } }));
  return (count * 1000) / durationMs;
}

const line = (label, value, unit) => console.log(`${label.padEnd(52)} ${value.toFixed(value < 100 ? 1 : 0).padStart(9)} ${unit}`);

// (1) The invoker alone.
const invoker = createNodeInvoker(buildModel(false), { onLog: () => {}, maxInstancesPerFunction: 1 });
const event = { requestContext: { routeKey: 'echo', connectionId: 'L0SM9cOFvHcCIhw=' }, body: '{"action":"echo"}' };
const perInvocation = {};
for (const key of Object.keys(runtimes)) {
  const first = await invoker.invoke(key, event);
  if (!first.ok) throw new Error(`${key} echo failed: ${JSON.stringify(first)}`);
  const rate = await measure(1, () => invoker.invoke(key, event));
  perInvocation[key] = 1e6 / rate;
  line(`${key}: invocations/s, 1 warm instance, sequential`, rate, '/s');
}
await invoker.close();
line('Runtime API (python) cost per invocation', perInvocation.python, 'µs');
line('Node channel cost per invocation', perInvocation.node, 'µs');
console.log(`ratio Runtime API / Node channel per invocation: ${(perInvocation.python / perInvocation.node).toFixed(2)}x`);

// (2) Through the gateway.
const gateway = createGateway(buildModel(true), { host: '127.0.0.1', port: 0, tls: false, runtime: { onLog: () => {} } });
const { stageUrl } = await gateway.listen();
for (const concurrency of [1, 10, 100]) {
  const rates = {};
  for (const key of Object.keys(runtimes)) {
    const clients = await Promise.all(Array.from({ length: concurrency }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(stageUrl);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    })));
    const frame = JSON.stringify({ action: key, data: 'x' });
    const roundTrip = (i) => new Promise((resolve) => { clients[i].once('message', resolve); clients[i].send(frame); });
    await Promise.all(clients.map((_, i) => roundTrip(i))); // warm the pool
    rates[key] = await measure(concurrency, roundTrip);
    for (const ws of clients) ws.close();
    line(`${key} echo via route response, C = ${concurrency}`, rates[key], 'msg/s');
  }
  console.log(`  ratio python / node at C = ${concurrency}: ${(rates.python / rates.node).toFixed(2)}`);
}
await gateway.close();
