// `$connect` + PutItem churn (and `$disconnect` + DeleteItem) with the embedded DynamoDB table, against the same
// churn with handlers that write nothing, and with a stream on the table; each a `wsgate dev` child, rounds alternating.
//   npm run build && node bench/dynamodb-churn.mjs [seconds per round=3] [rounds=3] [concurrency=10]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const [seconds = 3, rounds = 3, concurrency = 10] = process.argv.slice(2).map(Number);
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const variants = {
  baseline: here('./dynamodb/serverless-no-table.yml'),
  table: here('./dynamodb/serverless.yml'),
  'table+stream': here('./dynamodb/serverless-stream.yml'),
};

async function startDev(config) {
  const child = spawn(process.execPath, [here('../bin/wsgate.js'), 'dev', '--config', config, '--port', '0', '--dynamodb-port', '0', '--reset-data', '--no-watch'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve) => lines.on('line', (line) => { const found = line.match(/WebSocket: +(ws:\/\/\S+)/); if (found) resolve(found[1]); }));
  return { url, stop: () => new Promise((resolve) => { child.once('close', resolve); child.kill('SIGINT'); }) };
}

const connectOnce = (url) =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => { socket.close(); resolve(); });
    socket.once('error', reject);
  });

async function churn(url, ms) {
  let count = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < end) { await connectOnce(url); count++; } }));
  return count / (ms / 1000);
}

const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const [name, config] of Object.entries(variants)) {
    const dev = await startDev(config);
    await churn(dev.url, 1000); // warm-up: instances started, tables created
    results[name].push(await churn(dev.url, seconds * 1000));
    await dev.stop();
  }
  console.log(`round ${round}: ${Object.entries(results).map(([name, rates]) => `${name} ${rates.at(-1).toFixed(0)}/s`).join(', ')}, table/baseline ${(results.table.at(-1) / results.baseline.at(-1)).toFixed(2)}`);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratios = (name) => results[name].map((rate, i) => rate / results.baseline[i]);
console.log(`median connects/s (${concurrency} in flight): ${Object.entries(results).map(([name, rates]) => `${name} ${median(rates).toFixed(0)}`).join(', ')}`);
console.log(`median ratio to baseline: table ${median(ratios('table')).toFixed(2)}, table+stream ${median(ratios('table+stream')).toFixed(2)}`);
