import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, isProcessAlive } from './runtime-fixture.js';

const DIST_INVOKER = fileURLToPath(new URL('../../dist/runtime/node-invoker.js', import.meta.url));

// If the process holding the invoker dies without close() (a crash, kill -9), its handler instances must not
// linger: each runner exits when its IPC channel to the invoker closes.
describe('handler instances of a dead invoker', () => {
  it('exit on their own when the invoking process dies without close()', async () => {
    expect(existsSync(DIST_INVOKER), 'run `npm run build` first: this test drives the built runtime').toBe(true);
    const script = `
      import { createNodeInvoker } from ${JSON.stringify(DIST_INVOKER)};
      const dir = ${JSON.stringify(FIXTURE_DIR)};
      const fn = { key: 'counter', name: 'orphan-counter', handler: 'handler.counter', runtime: 'nodejs20.x', memorySize: 256,
        timeout: 3, environment: {}, tags: {}, websocketRouteKeys: [], configPath: 'functions.counter' };
      const model = { serviceDir: dir, configFile: dir + '/serverless.yml', region: 'us-east-1', provider: { environment: {} },
        functions: new Map([['counter', fn]]) };
      const invoker = createNodeInvoker(model, { onLog: () => {} });
      const results = await Promise.all([invoker.invoke('counter', {}), invoker.invoke('counter', {})]);
      process.stdout.write(JSON.stringify(results.map((r) => r.value.pid)) + '\\n');
      process.kill(process.pid, 'SIGKILL');
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [, signal] = (await once(parent, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    const pids = JSON.parse(output) as number[];
    expect(pids).toHaveLength(2);
    // Each orphan notices the closed channel and exits; poll the process table until both are gone.
    const deadline = Date.now() + 5000;
    while (pids.some(isProcessAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });
});
