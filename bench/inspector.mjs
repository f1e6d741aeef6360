// The inspector keeps up: 1,000 open connections, 1,000 frames/s of echo, then as many as the gateway takes,
// with the inspector page closed and open in Chromium, alternating for ROUNDS rounds. Reports echo throughput
// (ratio page open / closed, per round and the median) and how long the page takes to answer (a
// requestAnimationFrame round trip) under that load.
// Run after `npm run build`: node bench/inspector.mjs   (CONNECTIONS=1000 RATE=1000 SECONDS=10 ROUNDS=3)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { createGateway, loadService } from '../dist/index.js';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 1000);
const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const serviceDir = fileURLToPath(new URL('service/', import.meta.url));

const { model } = await loadService({ serviceDir });
const gateway = createGateway(model, { port: 0, inspector: true, limits: { idleTimeoutMs: 0 } });
const address = await gateway.listen();

const clients = [];
let answered = 0;
for (let i = 0; i < CONNECTIONS; i++) {
  const ws = new WebSocket(`${address.stageUrl}?token=bench`, { perMessageDeflate: false });
  ws.on('message', () => answered++);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  clients.push(ws);
}
const frame = JSON.stringify({ action: 'echo', text: 'x'.repeat(64) });

/** Sends RATE frames a second, spread over the connections, for SECONDS; answers within the window count. */
async function paced(label) {
  const start = answered;
  const began = performance.now();
  let sent = 0;
  let next = 0;
  while (performance.now() - began < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - began) / 1000) * RATE);
    for (; sent < due; sent++) clients[next++ % clients.length].send(frame);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const rate = (answered - start) / ((performance.now() - began) / 1000);
  return { label, sent, answeredPerSecond: Math.round(rate) };
}

/** Closed loop: every connection keeps one frame in flight; frames answered a second. */
async function saturated(label) {
  const inFlight = new Map();
  let count = 0;
  let running = true;
  const onAnswer = (ws) => () => {
    count++;
    if (running) ws.send(frame);
  };
  for (const ws of clients) {
    const listener = onAnswer(ws);
    inFlight.set(ws, listener);
    ws.on('message', listener);
    ws.send(frame);
  }
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  running = false;
  const rate = count / ((performance.now() - began) / 1000);
  for (const [ws, listener] of inFlight) ws.off('message', listener);
  // Let the frames in flight drain before the next phase.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return { label, answeredPerSecond: Math.round(rate) };
}

const userDataDir = await mkdtemp(path.join(tmpdir(), 'wsgate-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await context.newPage();

/** The page open (its socket connected, all connections listed, one selected) or closed (navigated away: no socket). */
async function openPage() {
  await page.goto(address.inspectorUrl);
  await page.getByText(`(${CONNECTIONS} open`).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: /open$/ }).first().click();
}
const closePage = () => page.goto('about:blank');

/** The page's answer time: from a call into it to its next animation frame, sampled while the load runs. */
async function sampleResponsiveness(during) {
  const samples = [];
  let done = false;
  const sampling = (async () => {
    while (!done) {
      const t = performance.now();
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
      samples.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const result = await during;
  done = true;
  await sampling;
  return { ...result, samples };
}

// Warm-up (not counted): instances started, JIT warm.
await paced('warm-up');
// Closed and open alternate, round by round, so that a change in the machine's load hits both alike.
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  await closePage();
  const closedPaced = await paced('closed');
  const closedSaturated = await saturated('closed');
  await openPage();
  const openPaced = await sampleResponsiveness(paced('open'));
  const openSaturated = await sampleResponsiveness(saturated('open'));
  rounds.push({ closedPaced, closedSaturated, openPaced, openSaturated });
}
const shown = await page.locator('#connection-count').textContent();

await context.close();
await rm(userDataDir, { recursive: true, force: true });
for (const ws of clients) ws.close();
await gateway.close();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (samples, p) => Math.round([...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * p))]);
console.log('| Round | closed, 1,000/s | open, 1,000/s | ratio | closed, saturated | open, saturated | ratio | page p50 / max (ms), 1,000/s | saturated |');
console.log('|---|---|---|---|---|---|---|---|---|');
rounds.forEach((r, i) => {
  const ratio = (a, b) => (a.answeredPerSecond / b.answeredPerSecond).toFixed(3);
  console.log(
    `| ${i + 1} | ${r.closedPaced.answeredPerSecond} | ${r.openPaced.answeredPerSecond} | ${ratio(r.openPaced, r.closedPaced)} | ${r.closedSaturated.answeredPerSecond} | ${r.openSaturated.answeredPerSecond} | ${ratio(r.openSaturated, r.closedSaturated)} | ${percentile(r.openPaced.samples, 0.5)} / ${percentile(r.openPaced.samples, 1)} | ${percentile(r.openSaturated.samples, 0.5)} / ${percentile(r.openSaturated.samples, 1)} |`,
  );
});
const medianRatio = (open, closed) => median(rounds.map((r) => r[open].answeredPerSecond / r[closed].answeredPerSecond)).toFixed(3);
console.log(`\nmedian open/closed at 1,000 frames/s: ${medianRatio('openPaced', 'closedPaced')}; saturated: ${medianRatio('openSaturated', 'closedSaturated')}; the page listed ${shown}`);
