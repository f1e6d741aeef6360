import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliProcess } from '../support/child-cli.js';

// The library prints nothing its caller did not ask for; `wsgate dev` passes its own printers.
const DIST_INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
// A non-Node function is a start-up warning of the runtime (RUNTIME_UNSUPPORTED), emitted at listen().
const SERVERLESS_YML = `service: quiet
provider:
  name: aws
  runtime: nodejs22.x
functions:
  legacy:
    handler: handler.main
    runtime: java21
    events:
      - websocket: $default
`;

let serviceDir: string;
let cli: CliProcess | undefined;
beforeEach(async () => {
  serviceDir = await mkdtemp(path.join(tmpdir(), 'wsgate-quiet-'));
  await writeFile(path.join(serviceDir, 'serverless.yml'), SERVERLESS_YML);
});
afterEach(async () => {
  if (cli && cli.child.exitCode === null) {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
  cli = undefined;
  await rm(serviceDir, { recursive: true, force: true });
});

describe('output of the runtime', () => {
  it('createGateway as a library writes nothing to stdout or stderr', async () => {
    expect(existsSync(DIST_INDEX), 'run `npm run build` first: this test drives the built library').toBe(true);
    const script = `
      import { loadService, createGateway } from ${JSON.stringify(DIST_INDEX)};
      const { model } = await loadService({ serviceDir: ${JSON.stringify(serviceDir)} });
      const gateway = createGateway(model, { port: 0, tls: false });
      await gateway.listen();
      await gateway.close();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('wsgate dev prints the same warning with its file and line', async () => {
    cli = runCli(['dev', '--config', path.join(serviceDir, 'serverless.yml'), '--port', '0', '--no-watch']);
    const line = await cli.waitForLine(/RUNTIME_UNSUPPORTED/);
    expect(line).toMatch(/^Warning \[RUNTIME_UNSUPPORTED\] \S*serverless\.yml:8:\d+ at functions\.legacy\.runtime: function 'legacy' uses runtime java21/);
  });
});
