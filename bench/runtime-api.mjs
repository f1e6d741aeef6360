// Python's bundled bootstrap on the Node runner's channel (the default) and against the Lambda Runtime API
// (custom.wsgate.pythonRuntimeApi), and the Node runner, in the same run: (1) invocations per second of an echo
// handler through the invoker, one warm instance, and the cost of each; (2) a Python echo through
// a route response with C = 1/10/100 WebSocket clients, each sending its next message when the answer came,
// against the same echo in Node; (3) the same Python echo against serverless-offline's Python mode (its own python3
// process per function instance), C = 1/10/100, in the same run.
// Run: npm run build && node bench/runtime-api.mjs (BENCH_MS, WSGATE_PYTHON; BENCH_OFFLINE=none skips (3)).
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createNodeInvoker } from '../dist/runtime/node-invoker.js';
import { buildModel, runtimes, serviceDir } from './lib/python-service-model.js';
import { BENCH_DIR, ensureServerlessOffline, startServerlessOffline, startWsgatePython } from './lib/targets.js';

const durationMs = Number(process.env.BENCH_MS ?? 3000);

async function measure(concurrency, once) {
  let count = 0;
  const end = performance.now() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => { while (performance.now() < end) { await once(i); count++; } }));
  return (count * 1000) / durationMs;
}

const line = (label, value, unit) => console.log(`${label.padEnd(52)} ${value.toFixed(value < 100 ? 1 : 0).padStart(9)} ${unit}`);

// (1) The invoker alone.
const event = { requestContext: { routeKey: 'echo', connectionId: 'L0SM9cOFvHcCIhw=' }, body: '{"action":"echo"}' };
const perInvocation = {};
const paths = [['node', 'node', false], ['python (channel)', 'python', false], ['python (Runtime API)', 'python', true]];
for (const [label, key, pythonRuntimeApi] of paths) {
  const invoker = createNodeInvoker(buildModel(false, { pythonRuntimeApi }), { onLog: () => {}, maxInstancesPerFunction: 1 });
  const first = await invoker.invoke(key, event);
  if (!first.ok) throw new Error(`${label} echo failed: ${JSON.stringify(first)}`);
  const rate = await measure(1, () => invoker.invoke(key, event));
  perInvocation[label] = 1e6 / rate;
  line(`${label}: invocations/s, 1 warm instance, sequential`, rate, '/s');
  await invoker.close();
}
for (const label of Object.keys(perInvocation)) line(`${label}: cost per invocation`, perInvocation[label], 'µs');
console.log(`ratio Runtime API / Node channel per invocation: ${(perInvocation['python (Runtime API)'] / perInvocation.node).toFixed(2)}x`);
console.log(`ratio Python channel / Node channel per invocation: ${(perInvocation['python (channel)'] / perInvocation.node).toFixed(2)}x`);

// (2) Through the gateway.
const connectOnce = (url) => new Promise((resolve) => {
  const client = new WebSocket(url);
  client.once('open', () => resolve(client));
  client.once('error', () => resolve(undefined));
});

/** Opens the clients one after the other, each tried up to 10 times (serverless-offline refuses some while cold). */
async function openClients(url, count) {
  const clients = [];
  let refused = 0;
  for (let i = 0; i < count; i++) {
    let ws;
    for (let attempt = 0; attempt < 10 && !ws; attempt++) {
      ws = await connectOnce(url);
      if (!ws) refused++;
    }
    if (ws) clients.push(ws);
  }
  if (refused > 0) console.log(`  (${refused} refused upgrades; ${clients.length} of ${count} clients open)`);
  return clients;
}

/** Echo round trips per second with `concurrency` clients, each sending its next frame when the answer came. */
async function echoRate(url, concurrency, action) {
  const clients = await openClients(url, concurrency);
  const frame = JSON.stringify({ action, data: 'x' });
  let lost = 0;
  const roundTrip = (i, waitMs = 10_000) => new Promise((resolve) => {
    const timer = setTimeout(() => { lost++; clients[i].off('message', onMessage); resolve(); }, waitMs);
    const onMessage = () => { clearTimeout(timer); resolve(); };
    clients[i].once('message', onMessage);
    clients[i].send(frame);
  });
  // Warm the pool first (cold starts of every instance the level needs), outside the measurement.
  await Promise.all(clients.map((_, i) => roundTrip(i, 60_000)));
  if (lost > 0) console.log(`  (${lost} warm-up answers missing after 60 s)`);
  lost = 0;
  const rate = await measure(clients.length, roundTrip);
  for (const ws of clients) ws.close();
  if (lost > 0) console.log(`  (${lost} answers missing after 10 s)`);
  return rate;
}

// The gateway in a process of its own, as serverless-offline's is: the clients here cost neither server any time.
const gateway = await startWsgatePython();
const stageUrl = gateway.url;
const wsgatePython = {};
for (const concurrency of [1, 10, 100]) {
  const rates = {};
  for (const key of Object.keys(runtimes)) {
    rates[key] = await echoRate(stageUrl, concurrency, key);
    line(`${key} echo via route response, C = ${concurrency}`, rates[key], 'msg/s');
  }
  wsgatePython[concurrency] = rates.python;
  console.log(`  ratio python / node at C = ${concurrency}: ${(rates.python / rates.node).toFixed(2)}`);
}

// (3) serverless-offline's Python mode on the same handler, then wsgate's Python echo again, level by level.
if (process.env.BENCH_OFFLINE !== 'none') {
  const install = ensureServerlessOffline((text) => console.log(text));
  const service = path.join(BENCH_DIR, '.scratch/offline/python-service');
  rmSync(service, { recursive: true, force: true });
  mkdirSync(service, { recursive: true });
  cpSync(path.join(serviceDir, 'handler.py'), path.join(service, 'handler.py'));
  writeFileSync(path.join(service, 'serverless.yml'), [
    'service: wsgate-bench-python', "frameworkVersion: '3'",
    'provider:', '  name: aws', '  runtime: python3.12', '  region: us-east-1',
    // Its first $connect starts a python3 process; on a busy machine that can pass the 6 s default timeout.
    '  timeout: 30',
    // serverless-offline answers a WebSocket upgrade with 502 when the service has no $connect route.
    'functions:', '  connect:', '    handler: handler.connect', '    events:', '      - websocket: $connect', '  echo:', '    handler: handler.echo', '    events:', '      - websocket:', '          route: echo', '          routeResponseSelectionExpression: $default',
    'plugins:', '  - serverless-offline', '',
  ].join('\n'));
  console.log(`serverless ${install.versions.serverless}, serverless-offline ${install.versions.offline} (Python mode: python3 on PATH, as wsgate's)`);
  for (const concurrency of [1, 10, 100]) {
    // A fresh serverless-offline per level, stopped before wsgate is measured: its python3 processes (one per
    // concurrent invocation) would otherwise load the machine during wsgate's turn.
    const offline = await startServerlessOffline({ ...install, service }, false);
    let offlineRate;
    try {
      offlineRate = await echoRate(offline.url, concurrency, 'echo');
    } finally {
      await offline.stop();
    }
    const wsgateRate = await echoRate(stageUrl, concurrency, 'python');
    line(`serverless-offline python echo, C = ${concurrency}`, offlineRate, 'msg/s');
    line(`wsgate python echo (again), C = ${concurrency}`, wsgateRate, 'msg/s');
    console.log(`  ratio wsgate / serverless-offline at C = ${concurrency}: ${(wsgateRate / offlineRate).toFixed(2)}x (with the earlier wsgate figure ${wsgatePython[concurrency].toFixed(0)}: ${(wsgatePython[concurrency] / offlineRate).toFixed(2)}x)`);
  }
}
await gateway.stop();
