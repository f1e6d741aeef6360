import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { createWaitableList } from '../support/waitable-list.js';
import { openClient } from '../support/ws-client.js';

// debugpy comes with Debian's python3-debugpy for /usr/bin/python3.
const PYTHON = process.env.WSGATE_TEST_PYTHON ?? '/usr/bin/python3';
const SERVICE_DIR = `${repoRoot}test/fixtures/services/inspect-python`;

function importable(python: string, module: string): boolean {
  if (!existsSync(python)) return false;
  try {
    execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasDebugpy = importable(PYTHON, 'debugpy');
if (!hasDebugpy) console.warn(`skipping the debugpy test: ${PYTHON} cannot import debugpy (install python3-debugpy or set WSGATE_TEST_PYTHON)`);

interface DapMessage {
  type: 'response' | 'event';
  command?: string;
  event?: string;
  success?: boolean;
  request_seq?: number;
  body?: any;
}

/** A Debug Adapter Protocol client, as VS Code's "attach" with `connect: { host, port }` speaks to debugpy. */
async function attachDap(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const messages = createWaitableList<DapMessage>();
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())![1]);
      if (buffer.length < headerEnd + 4 + length) return;
      messages.push(JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()));
      buffer = buffer.subarray(headerEnd + 4 + length);
    }
  });
  let seq = 0;
  const request = (command: string, args: object = {}) => {
    const body = JSON.stringify({ seq: ++seq, type: 'request', command, arguments: args });
    socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const sent = seq;
    return messages.waitFor((m) => m.type === 'response' && m.request_seq === sent);
  };
  const event = (name: string) => messages.waitFor((m) => m.type === 'event' && m.event === name);
  return { request, event, close: () => socket.destroy() };
}

describe('wsgate dev --inspect: Python functions', () => {
  let cli: CliProcess | undefined;
  afterEach(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
    await killIfRunning(cli);
  });

  it.skipIf(!hasDebugpy)('runs a Python instance under debugpy: a debugger attaches, a breakpoint in the .py file stops the invocation', async () => {
    cli = runCli(['dev', '--port', '0', '--no-watch', '--inspect=0', '--config', `${SERVICE_DIR}/serverless.yml`], { env: { ...process.env, WSGATE_PYTHON: PYTHON } });
    await cli.waitForLine(/Debugging: +one instance per function, Node inspector \(debugpy for Python\) on a free port of each instance/);
    const stageUrl = /ws:\/\/\S+\/dev/.exec(await cli.waitForLine(/WebSocket: /))![0];
    const client = await openClient(stageUrl);
    client.ws.send('first');
    expect(await client.nextMessage()).toBe('echo: first');
    const port = Number(/debugpy listening on 127\.0\.0\.1:(\d+)/.exec(await cli.waitForLine(/\[echo\] debugpy listening on /))![1]);

    const dap = await attachDap(port);
    expect(await dap.request('initialize', { clientID: 'wsgate-test', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' })).toMatchObject({ success: true });
    const attached = dap.request('attach', { justMyCode: true });
    await dap.event('initialized');
    const file = `${SERVICE_DIR}/handler.py`;
    const line = 2; // `reply = ...  # BREAKPOINT`
    const set = await dap.request('setBreakpoints', { source: { path: file }, breakpoints: [{ line }] });
    expect(set.body.breakpoints[0]).toMatchObject({ line });
    await dap.request('configurationDone');
    expect(await attached).toMatchObject({ success: true });

    client.ws.send('second');
    const stopped = await dap.event('stopped');
    expect(stopped.body.reason).toBe('breakpoint');
    const frames = await dap.request('stackTrace', { threadId: stopped.body.threadId });
    expect(frames.body.stackFrames[0]).toMatchObject({ name: 'echo', line, source: { path: file } });
    await dap.request('continue', { threadId: stopped.body.threadId });
    expect(await client.nextMessage()).toBe('echo: second');
    dap.close();
    await client.close();
  }, 90_000);

  it('says at start-up that a Python function runs without a debugger when its interpreter cannot import debugpy', async () => {
    const python = existsSync(PYTHON) ? PYTHON : 'python3';
    const env = { ...process.env, WSGATE_PYTHON: python, PYTHONPATH: `${SERVICE_DIR}/without-debugpy` };
    cli = runCli(['dev', '--port', '0', '--no-watch', '--inspect=0', '--config', `${SERVICE_DIR}/serverless.yml`], { env });
    const warning = await cli.waitForLine(/cannot import debugpy/);
    expect(warning).toContain("function 'echo' runs without a debugger");
    await cli.waitForLine(/WebSocket: /);
    expect([...cli.stdout, ...cli.stderr].join('\n')).toContain('apt-get install python3-debugpy');
  }, 60_000);
});
