// Regenerates docs/inspector.png: the chat example running, two clients talking, the inspector page in Chromium.
// Run after `npm run build`: node scripts/inspector-screenshot.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { createGateway, loadService } from '../dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = path.join(root, 'docs', 'inspector.png');
const scratch = await mkdtemp(path.join(tmpdir(), 'wsgate-screenshot-'));
process.env.CHAT_CONNECTIONS_DIR = path.join(scratch, 'connections');

const { model } = await loadService({ serviceDir: path.join(root, 'examples', 'chat') });
// Handlers reach @connections over https (the gateway's own certificate), as on AWS.
// NODE_NO_WARNINGS: the SDK's warning about the machine's Node.js version is not what the picture is about.
const gateway = createGateway(model, { port: 0, inspector: true, runtime: { env: { NODE_NO_WARNINGS: '1' } } });
setTimeout(() => {
  console.error('gave up after 60 s');
  process.exit(1);
}, 60_000).unref();
const address = await gateway.listen();

const open = (user) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${address.stageUrl}?token=let-me-in&user=${user}`, { headers: { 'User-Agent': `chat-client/1.0 (${user})` } });
    const received = [];
    ws.on('message', (data) => received.push(String(data)));
    ws.once('open', () => resolve({ ws, received }));
    ws.once('error', reject);
  });
const waitFor = async (check) => {
  for (let i = 0; i < 1500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

const userDataDir = await mkdtemp(path.join(tmpdir(), 'wsgate-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1500, height: 860 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  await page.goto(address.inspectorUrl);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  const ada = await open('ada');
  const grace = await open('grace');
  ada.ws.send(JSON.stringify({ action: 'sendmessage', text: 'hello, Grace' }));
  await waitFor(() => grace.received.length > 0);
  grace.ws.send(JSON.stringify({ action: 'sendmessage', text: 'hi Ada!' }));
  await waitFor(() => ada.received.length > 1);
  ada.ws.send(JSON.stringify({ action: 'ping' }));
  await waitFor(() => ada.received.length > 2);
  const bob = await open('bob');
  bob.ws.close(1000, 'bye');
  await page.getByRole('button', { name: /closed 1000/ }).waitFor();
  await page.getByRole('button', { name: /open$/ }).last().click();
  await page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: 'pong' }).waitFor();
  await page.getByRole('textbox', { name: 'Message' }).fill('{"from":"inspector","text":"hello from the page"}');
  await page.screenshot({ path: output, fullPage: false });
  console.log(`wrote ${path.relative(root, output)}`);
  for (const client of [ada, grace]) client.ws.close();
} finally {
  await context.close();
  await gateway.close();
  await rm(userDataDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
}
