import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';

const SERVICE = `${repoRoot}test/fixtures/services/inspector/serverless.yml`;

/** A port free now, with the two after it, for the three functions' inspectors. */
async function freePortBase(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    if (port < 65000) return port;
  }
}

describe('wsgate dev --inspect', () => {
  let cli: CliProcess | undefined;
  afterEach(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
    await killIfRunning(cli);
  });

  it('starts handler instances with the Node inspector on the ports it prints, one port per function', async () => {
    const base = await freePortBase();
    cli = runCli(['dev', '--port', '0', '--no-watch', `--inspect=${base}`, '--config', SERVICE]);
    const debugging = await cli.waitForLine(/Debugging: /);
    expect(debugging).toContain(`connect 127.0.0.1:${base}, disconnect 127.0.0.1:${base + 1}, echo 127.0.0.1:${base + 2}`);
    const stageUrl = /ws:\/\/\S+\/dev/.exec(await cli.waitForLine(/WebSocket: /))![0];
    const client = await openClient(stageUrl);
    client.ws.send('hi');
    expect(await client.nextMessage()).toBe('echo: hi');
    // Node's own announcement, from the echo instance, on its port: a debugger can attach there.
    await cli.waitForLine(new RegExp(`Debugger listening on ws://127\\.0\\.0\\.1:${base + 2}/`));
    const targets = (await (await fetch(`http://127.0.0.1:${base + 2}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    expect(targets[0]).toMatchObject({ type: 'node' });
    expect(targets[0]!.webSocketDebuggerUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${base + 2}/`));
    await client.close();
  }, 60_000);

  it('refuses a --inspect value that is not a port, naming the option', async () => {
    cli = runCli(['dev', '--port', '0', '--inspect=abc', '--config', SERVICE]);
    expect(await cli.exited).not.toBe(0);
    expect(cli.stderr.join('\n')).toContain('--inspect takes a port number (0-65535, 0 for a free port per instance), got "abc"');
  });
});
