// `wsgate dev` on examples/chat, as a user starts it: time from spawning the CLI to its "listening" output,
// and to the first WebSocket accepted through the example's authorizer and $connect handler.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { BENCH_DIR } from './targets.js';

const ROOT = join(BENCH_DIR, '..');

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startOnce() {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/wsgate.js'), 'dev', '--config', 'examples/chat/serverless.yml', '--port', String(port), '--no-watch'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr.resume();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => line.startsWith('Press Ctrl-C') && resolve());
      void exited.then((code) => reject(new Error(`wsgate dev exited with ${code}`)));
    });
    const listening = performance.now() - t0;
    await new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/dev?token=let-me-in`);
      ws.once('open', () => ws.close());
      ws.once('close', resolve);
      ws.once('error', reject);
    });
    const firstConnection = performance.now() - t0;
    return { listening, firstConnection };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function measureStartup(runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await startOnce());
  return samples;
}
