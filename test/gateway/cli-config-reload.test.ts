import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { createServiceCopies } from '../support/service-copy.js';
import { openClient } from '../support/ws-client.js';

let cli: CliProcess | undefined;
const copies = createServiceCopies();
afterEach(async () => {
  await killIfRunning(cli);
  cli = undefined;
  await copies.removeAll();
});

/** `wsgate dev` (watch mode on) on a copy of the chat fixture: its port, once it listens. */
async function startDev(prepare?: (configFile: string) => Promise<void>): Promise<{ configFile: string; port: number; cli: CliProcess }> {
  const dir = await copies.copy('test/fixtures/services/gateway-chat', 'wsgate-reload-');
  const configFile = path.join(dir, 'serverless.yml');
  await prepare?.(configFile);
  cli = runCli(['dev', '--config', configFile, '--port', '0']);
  const line = await cli.waitForLine(/WebSocket:/);
  const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)?.[1]);
  await cli.waitForLine(/Press Ctrl-C/);
  return { configFile, port, cli };
}

// Watch mode reloads handler code by itself; a change to serverless.yml restarts the gateway with the new
// configuration on the same port, as restarting `wsgate dev` by hand would, and a broken one changes nothing.
describe('wsgate dev: a changed serverless.yml', () => {
  it('restarts the gateway on the same port with the new routes and environment; open connections close with 1001', async () => {
    const { configFile, port, cli } = await startDev();
    const before = await openClient(`ws://127.0.0.1:${port}/dev`);
    before.ws.send('{"action":"greet"}');
    // No `greet` route yet: `$default` echoes the body.
    expect(await before.nextMessage()).toBe('echo: {"action":"greet"}');

    const yaml = await readFile(configFile, 'utf8');
    await writeFile(
      configFile,
      yaml.replace('GREETING: hello', 'GREETING: bonjour') +
        ['  greet:', '    handler: handlers.whoami', '    events:', '      - websocket:', '          route: greet', '          routeResponseSelectionExpression: $default', ''].join('\n'),
    );
    expect(await cli.waitForLine(/changed: restarting the gateway/)).toMatch(/^serverless\.yml changed: /);
    expect(await before.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(await cli.waitForLine(/Routes:/, 2)).toMatch(/greet → greet/);

    const after = await openClient(`ws://127.0.0.1:${port}/dev`);
    after.ws.send('{"action":"greet"}');
    expect(JSON.parse(await after.nextMessage())).toMatchObject({ routeKey: 'greet', greeting: 'bonjour' });
    await after.close();
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('restarts with the values of a changed .env file (useDotenv)', async () => {
    const { configFile, port, cli } = await startDev(async (configFile) => {
      const yaml = await readFile(configFile, 'utf8');
      await writeFile(configFile, `useDotenv: true\n${yaml.replace('GREETING: hello', 'GREETING: ${env:GREETING}')}`);
      await writeFile(path.join(path.dirname(configFile), '.env'), 'GREETING=from the first .env\n');
    });
    const greeting = async () => {
      const client = await openClient(`ws://127.0.0.1:${port}/dev`);
      client.ws.send('{"action":"whoami"}');
      const { greeting } = JSON.parse(await client.nextMessage()) as { greeting: string };
      await client.close();
      return greeting;
    };
    expect(await greeting()).toBe('from the first .env');
    await writeFile(path.join(path.dirname(configFile), '.env'), 'GREETING=from the second .env\n');
    expect(await cli.waitForLine(/changed: restarting the gateway/)).toMatch(/^\.env changed: /);
    // The banner is printed again once the new gateway listens.
    await cli.waitForLine(/Routes:/, 2);
    expect(await greeting()).toBe('from the second .env');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('keeps serving with the running configuration when the new one is invalid, and says where the mistake is', async () => {
    const { configFile, port, cli } = await startDev();
    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    const yaml = await readFile(configFile, 'utf8');
    await writeFile(configFile, yaml.replace('handler: handlers.echo', 'handler: handlers.echo\n    timeout: soon'));
    const error = await cli.waitForLine(/^Error \[/);
    expect(error).toContain('serverless.yml');
    expect(error).toContain('functions.echo.timeout');
    expect(await cli.waitForLine(/cannot be used: the gateway goes on/)).toMatch(/^serverless\.yml changed but cannot be used/);
    // The connection opened before the change still works, on the configuration that was running.
    client.ws.send('still there?');
    expect(await client.nextMessage()).toBe('echo: still there?');
    expect(cli.stderr.join('\n')).not.toMatch(/\n\s+at /);
    await client.close();
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });
});
