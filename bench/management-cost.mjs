// The gateway's CPU per `@connections` PostToConnection, driven by a raw keep-alive `https` (or `http`) client
// instead of the SDK: what answering the management API costs wsgate itself, apart from the handlers.
//   npm run build && node bench/management-cost.mjs [seconds=3]      PLAIN=1: plain HTTP instead of TLS
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { measureTreeCpu } from './lib/process-memory.js';

const seconds = Number(process.argv[2] ?? 3);
const tls = !process.env.PLAIN;
const server = spawn(process.execPath, [new URL('./servers/wsgate.js', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const { port, stage } = await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line))));

// One client connection receives every post; the bench service's `whoami` route tells its connection id.
const socket = new WebSocket(`ws://127.0.0.1:${port}/?token=bench`);
await new Promise((resolve) => socket.once('open', resolve));
socket.send(JSON.stringify({ action: 'whoami' }));
const connectionId = await new Promise((resolve) => socket.once('message', (data) => resolve(data.toString())));
socket.on('message', () => {});

const client = tls ? https : http;
// The gateway's certificate is made at start-up; the handlers trust it through NODE_EXTRA_CA_CERTS.
const agent = tls ? new https.Agent({ keepAlive: true, maxSockets: 10, rejectUnauthorized: false }) : new http.Agent({ keepAlive: true, maxSockets: 10 });
const body = 'x'.repeat(128);
const post = () =>
  new Promise((resolve, reject) => {
    const path = `/${stage}/@connections/${encodeURIComponent(connectionId)}`;
    const request = client.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
const run = async (ms) => {
  let count = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: 10 }, async () => { while (performance.now() < end) { await post(); count++; } }));
  return count;
};

await run(1000);
const gatewayBefore = measureTreeCpu(server.pid).process;
const started = performance.now();
const posts = await run(seconds * 1000);
const gatewayMicros = (measureTreeCpu(server.pid).process - gatewayBefore) * 1e6;
const rate = posts / ((performance.now() - started) / 1000);
console.log(`${tls ? 'TLS' : 'plain HTTP'}: ${rate.toFixed(0)} posts/s, gateway CPU ${(gatewayMicros / posts).toFixed(1)} µs per post (10 in flight, 128 bytes)`);
socket.close();
agent.destroy();
await new Promise((resolve) => {
  server.once('exit', resolve);
  server.kill('SIGTERM');
});
