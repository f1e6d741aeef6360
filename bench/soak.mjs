// The long soak: `wsgate dev` (the built CLI, a child process) serves SOAK_CONNECTIONS connections that each send
// SOAK_MESSAGES messages, half echoed by route response and half by @connections posts from the handler (SDK v3,
// SOAK_PARTS posts one after the other), while an outside caller posts SOAK_OUTSIDE frames in order to each
// connection. Counts every frame: delivered, lost, duplicated, reordered; samples the RSS of the gateway and of
// its handler processes from /proc. Run: npm run build && node bench/soak.mjs
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocket } from 'ws';

const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 50);
const MESSAGES = Number(process.env.SOAK_MESSAGES ?? 200);
const PARTS = Number(process.env.SOAK_PARTS ?? 3);
const OUTSIDE = Number(process.env.SOAK_OUTSIDE ?? 50);
const bin = fileURLToPath(new URL('../bin/wsgate.js', import.meta.url));
const config = fileURLToPath(new URL('../test/fixtures/services/hardening-soak-basic/serverless.yml', import.meta.url));

const gateway = spawn(process.execPath, [bin, 'dev', '--config', config, '--port', '0', '--no-watch'], { stdio: ['ignore', 'pipe', 'inherit'] });
let messageLines = 0;
let failedLines = 0;
const lineWaiters = [];
createInterface({ input: gateway.stdout }).on('line', (line) => {
  if (/ MESSAGE /.test(line)) {
    messageLines++;
    if (!/ 200 ok /.test(line)) failedLines++;
  }
  for (const waiter of [...lineWaiters]) if (waiter.test(line)) lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
});
const waitFor = (test) => new Promise((resolve) => lineWaiters.push({ test: (line) => test(line) && (resolve(line), true) }));
const exited = new Promise((resolve) => gateway.on('exit', (code) => resolve(code)));

const urlLine = await waitFor((line) => line.includes('WebSocket:'));
const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(urlLine)[1]);
const stageUrl = `ws://127.0.0.1:${port}/dev`;

function rssOf(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
function sampleMemory() {
  const sample = { gateway: rssOf(gateway.pid), handlers: 0, processes: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== gateway.pid) continue;
      sample.handlers += rssOf(entry);
      sample.processes++;
    } catch {
      // Gone while we looked.
    }
  }
  return sample;
}
let peak = sampleMemory();
let peakTotal = 0;
const sampler = setInterval(() => {
  const now = sampleMemory();
  peak = { gateway: Math.max(peak.gateway, now.gateway), handlers: Math.max(peak.handlers, now.handlers), processes: Math.max(peak.processes, now.processes) };
  peakTotal = Math.max(peakTotal, now.gateway + now.handlers);
}, 200);

function open(c) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(stageUrl);
    const frames = [];
    const waiting = new Map();
    ws.on('message', (data) => {
      const text = data.toString();
      frames.push(text);
      waiting.get(text)?.();
    });
    const echo = (id) =>
      new Promise((done) => {
        waiting.set(id, done);
        ws.send(JSON.stringify({ action: 'echo', id }));
      });
    ws.once('open', () => resolve({ c, ws, frames, echo, expected: new Set() }));
    ws.once('error', reject);
  });
}

const started = Date.now();
const clients = [];
for (let c = 0; c < CONNECTIONS; c += 10) clients.push(...(await Promise.all(Array.from({ length: Math.min(10, CONNECTIONS - c) }, (_, i) => open(c + i)))));
// Learn each connection's id from the dev log line of a first echo.
const ids = [];
for (const client of clients) {
  const logged = waitFor((line) => line.includes(' MESSAGE ') && line.includes(' echo '));
  await client.echo(`c${client.c}who`);
  ids.push(/MESSAGE\s+(\S+)/.exec(await logged)[1]);
}
const baseline = messageLines;
const sendStarted = Date.now();
for (const client of clients) {
  for (let m = 0; m < MESSAGES; m++) {
    const id = `c${client.c}m${m}`;
    if (m % 2 === 0) {
      client.expected.add(id);
      client.ws.send(JSON.stringify({ action: 'echo', id }));
    } else {
      for (let part = 0; part < PARTS; part++) client.expected.add(`${id}#${part}`);
      client.ws.send(JSON.stringify({ action: 'post', id, parts: PARTS }));
    }
  }
}
const sdk = new ApiGatewayManagementApiClient({
  endpoint: `http://127.0.0.1:${port}/dev`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDSOAK', secretAccessKey: 'soak' },
});
await Promise.all(
  clients.map(async (client, c) => {
    for (let k = 0; k < OUTSIDE; k++) {
      const frame = `c${client.c}outside#${k}`;
      client.expected.add(frame);
      await sdk.send(new PostToConnectionCommand({ ConnectionId: ids[c], Data: Buffer.from(frame) }));
    }
  }),
);
sdk.destroy();
// Every message has been answered once its dev log line is out; a last echo then trails all of its frames.
if (messageLines < baseline + CONNECTIONS * MESSAGES) await waitFor(() => messageLines >= baseline + CONNECTIONS * MESSAGES);
await Promise.all(clients.map((client) => client.echo(`c${client.c}last`)));
const seconds = (Date.now() - sendStarted) / 1000;
clearInterval(sampler);

let delivered = 0;
let lost = 0;
let duplicated = 0;
let reordered = 0;
let unexpected = 0;
for (const client of clients) {
  const counts = new Map();
  const lastPart = new Map();
  for (const frame of client.frames) {
    if (frame === `c${client.c}who` || frame === `c${client.c}last`) continue;
    counts.set(frame, (counts.get(frame) ?? 0) + 1);
    const caller = /^(.*)#(\d+)$/.exec(frame);
    if (caller) {
      if (Number(caller[2]) <= (lastPart.get(caller[1]) ?? -1)) reordered++;
      lastPart.set(caller[1], Number(caller[2]));
    }
  }
  for (const id of client.expected) {
    const seen = counts.get(id) ?? 0;
    if (seen === 0) lost++;
    else delivered++;
    if (seen > 1) duplicated += seen - 1;
  }
  for (const id of counts.keys()) if (!client.expected.has(id)) unexpected++;
}

for (const client of clients) client.ws.close(1000);
gateway.kill('SIGINT');
const exitCode = await exited;
const mb = (bytes) => Math.round(bytes / 1048576);
const figures = {
  connections: CONNECTIONS,
  messages: CONNECTIONS * MESSAGES,
  outsidePosts: CONNECTIONS * OUTSIDE,
  handlerPosts: (CONNECTIONS * MESSAGES * PARTS) / 2,
  framesExpected: clients.reduce((n, client) => n + client.expected.size, 0),
  delivered,
  lost,
  duplicated,
  reordered,
  unexpected,
  failedMessages: failedLines,
  seconds,
  messagesPerSecond: Math.round((CONNECTIONS * MESSAGES) / seconds),
  peakGatewayRssMB: mb(peak.gateway),
  peakHandlersRssMB: mb(peak.handlers),
  peakTotalRssMB: mb(peakTotal),
  peakHandlerProcesses: peak.processes,
  gatewayExitCode: exitCode,
  totalSeconds: (Date.now() - started) / 1000,
};
console.log(JSON.stringify(figures, null, 2));
process.exitCode = lost || duplicated || reordered || unexpected || failedLines || exitCode !== 0 ? 1 : 0;
