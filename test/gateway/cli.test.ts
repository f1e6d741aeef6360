import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../support/build-model.js';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { createTestInvoker } from '../support/test-invoker.js';
import { openClient } from '../support/ws-client.js';

const chatConfig = 'test/fixtures/services/gateway-chat/serverless.yml';
let cli: CliProcess | undefined;
let gw: RunningGateway | undefined;
afterEach(async () => {
  await killIfRunning(cli);
  cli = undefined;
  await gw?.close();
  gw = undefined;
});

describe('wsgate dev', () => {
  const stops = [
    { signal: 'SIGINT', group: false },
    { signal: 'SIGTERM', group: false },
    // Ctrl-C in a terminal signals the whole process group, handler processes included.
    { signal: 'SIGINT', group: true },
  ] as const;
  for (const { signal, group } of stops) {
    it(`prints the URLs, logs requests and on ${signal}${group ? ' to its process group' : ''} closes connections with $disconnect, exiting 0`, async () => {
      cli = runCli(['dev', '--config', chatConfig, '--port', '0', '--no-watch'], { detached: group });
      const line = await cli.waitForLine(/WebSocket:/);
      const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(await cli.waitForLine(/@connections:/)).toContain(`http://127.0.0.1:${port}/dev/@connections/`);

      const client = await openClient(`ws://127.0.0.1:${port}/dev`);
      const connectLine = await cli.waitForLine(/CONNECT .* \$connect .*accepted 200/);
      const connectionId = /CONNECT\s+(\S+)/.exec(connectLine)![1]!;
      expect(await cli.waitForLine(/\[connect\] connect /)).toContain(connectionId);
      client.ws.send('hi');
      expect(await client.nextMessage()).toBe('echo: hi');
      expect(await cli.waitForLine(/MESSAGE .*\$default/)).toMatch(/200 ok → echo \(\d+ ms\)/);

      const res = await fetch(`http://127.0.0.1:${port}/dev/@connections/${encodeURIComponent(connectionId)}`, { method: 'POST', body: 'pushed' });
      expect(res.status).toBe(200);
      expect(await client.nextMessage()).toBe('pushed');
      expect(await cli.waitForLine(/@connections .*PostToConnection 200/)).toContain(connectionId);

      if (group) process.kill(-cli.child.pid!, signal);
      else cli.child.kill(signal);
      expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
      expect(await cli.exited).toBe(0);
      expect(cli.stdout.some((l) => /DISCONNECT .*\$disconnect .*1001 "Going away" → disconnect/.test(l))).toBe(true);
      expect(cli.stdout.map((l) => l.trim())).toContain('[disconnect] disconnect 1001 Going away');
    });
  }

  it('reports a bad configuration path without a stack trace', async () => {
    cli = runCli(['dev', '--config', 'test/fixtures/services/does-not-exist/serverless.yml', '--port', '0']);
    expect(await cli.exited).toBe(1);
    const output = cli.stderr.join('\n');
    expect(output).toMatch(/^Error \[/m);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('passes options it does not know to ${opt:…} in the configuration', async () => {
    cli = runCli(['dev', '--config', 'test/fixtures/services/gateway-opt/serverless.yml', '--port', '0', '--no-watch', '--route', 'hello']);
    expect(await cli.waitForLine(/Routes:/)).toMatch(/Routes:\s+hello → chosen$/);
  });

  it('prints the start-up warning of an unmapped authorizer with the file and line of its config path', async () => {
    // Line 14: `authorizer: arn:aws:lambda:…:function:shared-auth`, an ARN with no local mapping.
    cli = runCli(['dev', '--config', 'test/fixtures/services/auth-arn-unmapped/serverless.yml', '--port', '0', '--no-watch']);
    expect(await cli.waitForLine(/AUTHORIZER_NOT_RUNNABLE/)).toMatch(
      /^Warning \[AUTHORIZER_NOT_RUNNABLE\] \S*serverless\.yml:14:\d+ at functions\.connect\.events\[0\]\.websocket\.authorizer: /,
    );
    await cli.waitForLine(/WebSocket:/);
  });

  it('rejects a port that is not a number', async () => {
    cli = runCli(['dev', '--config', chatConfig, '--port', 'abc']);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('\n')).toContain('Error [CLI_INVALID_OPTION] at --port: --port must be a port number');
  });
});

describe('wsgate connect', () => {
  it('sends stdin lines with headers and query strings and prints the frames it receives', async () => {
    const invoker = createTestInvoker({
      connect: (event) => ({ statusCode: event.headers['X-Token'] === 'secret' && event.queryStringParameters?.room === 'blue' ? 200 : 403 }),
      echo: (event) => ({ statusCode: 200, body: `echo: ${event.body}` }),
    });
    gw = await startGateway(
      buildModel([
        { routeKey: '$connect', functionKey: 'connect' },
        { routeKey: '$default', functionKey: 'echo', routeResponse: true },
      ]),
      { invoker, tls: false },
    );
    cli = runCli(['connect', gw.address.stageUrl, '--header', 'X-Token: secret', '--query', 'room=blue']);
    await cli.waitForLine(/^Connected to /);
    cli.child.stdin.write('first line\n');
    expect(await cli.waitForLine(/^< /)).toBe('< echo: first line');
    cli.child.stdin.write('second line\n');
    await cli.waitForLine(/^< echo: second line$/);
    cli.child.stdin.end();
    expect(await cli.exited).toBe(0);
    expect(cli.stderr).toContain('Disconnected (code: 1000, reason: "")');
  });

  it('prints the answers to piped input that ends before they arrive', async () => {
    const invoker = createTestInvoker({
      connect: () => ({ statusCode: 200 }),
      echo: async (event) => {
        await new Promise((resolve) => setImmediate(resolve));
        return { statusCode: 200, body: `echo: ${event.body}` };
      },
    });
    gw = await startGateway(
      buildModel([
        { routeKey: '$connect', functionKey: 'connect' },
        { routeKey: '$default', functionKey: 'echo', routeResponse: true },
      ]),
      { invoker, tls: false },
    );
    cli = runCli(['connect', gw.address.stageUrl, '--wait', '2000']);
    cli.child.stdin.end('one\ntwo\n');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toEqual(expect.arrayContaining(['< echo: one', '< echo: two']));
    expect(cli.stderr).toContain('Disconnected (code: 1000, reason: "")');
  });

  it('exits when the gateway closes the connection while stdin is still open', async () => {
    const invoker = createTestInvoker({ connect: () => ({ statusCode: 200 }) });
    gw = await startGateway(buildModel([{ routeKey: '$connect', functionKey: 'connect' }]), { invoker, tls: false });
    cli = runCli(['connect', gw.address.stageUrl]);
    await cli.waitForLine(/^Connected to /);
    const { event } = await invoker.nextInvocation('connect');
    const res = await fetch(`${gw.address.connectionsUrl}/${encodeURIComponent(event.requestContext.connectionId)}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await cli.exited).toBe(0);
    expect(cli.stderr).toContain('Disconnected (code: 1000, reason: "")');
  });

  it('reports a header name or subprotocol that is not an HTTP token as a user error, without a stack', async () => {
    for (const flags of [['--header', 'Bad Name: x'], ['--subprotocol', 'two words']]) {
      cli = runCli(['connect', 'ws://127.0.0.1:9/dev', ...flags]);
      cli.child.stdin.end();
      expect(await cli.exited).toBe(1);
      const stderr = cli.stderr.join('\n');
      expect(stderr).toMatch(/^Error \[CLI_INVALID_OPTION\]: Cannot open ws:\/\/127\.0\.0\.1:9\/dev: /);
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('exits 1 with the status of a refused upgrade', async () => {
    const invoker = createTestInvoker({ connect: () => ({ statusCode: 403 }) });
    gw = await startGateway(buildModel([{ routeKey: '$connect', functionKey: 'connect' }]), { invoker, tls: false });
    cli = runCli(['connect', gw.address.url]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('\n')).toContain('Unexpected server response: 403');
  });
});
