import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient, tryOpenClient, type TestClient } from '../support/ws-client.js';

// boto3 comes with Debian's python3-boto3 for /usr/bin/python3; the python3 first on PATH may lack it.
const PYTHON = process.env.WSGATE_TEST_PYTHON ?? '/usr/bin/python3';
const hasPython = existsSync(PYTHON);
if (!hasPython) console.warn(`skipping the Python dev tests: ${PYTHON} is missing (install python3-boto3 or set WSGATE_TEST_PYTHON)`);

const config = 'test/fixtures/services/python-chat/serverless.yml';
const frame = (action: string, data = 'hi') => JSON.stringify({ action, data });
const internalError = /^\{"message": "Internal server error", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/;

describe.skipIf(!hasPython)('wsgate dev: Python, provided.al2023 and Node functions in one service', () => {
  let cli: CliProcess;
  let url: string;
  let client: TestClient;

  beforeAll(async () => {
    process.env.WSGATE_TEST_PYTHON = PYTHON;
    cli = runCli(['dev', '--config', config, '--port', '0', '--no-watch']);
    const line = await cli.waitForLine(/WebSocket:/);
    url = `ws://127.0.0.1:${/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)![1]}/dev`;
    client = await openClient(`${url}?token=let-me-in`);
  }, 30_000);

  afterAll(async () => {
    await killIfRunning(cli);
  });

  it('admits a connection a Python authorizer allows and refuses with 403 one it denies', async () => {
    expect(await cli.waitForLine(/CONNECT .*\$connect .*accepted 200 → connect/)).toBeTruthy();
    // print() of the $connect handler, in the function's log.
    expect(await cli.waitForLine(/\[connect\] connected [A-Za-z0-9_=-]+$/)).toBeTruthy();
    const denied = await tryOpenClient(`${url}?token=wrong`);
    expect(denied.open).toBe(false);
    if (!denied.open) expect(denied.status).toBe(403);
  });

  it('answers a route response from a handler in a package (pkg.routes.echo)', async () => {
    client.ws.send(frame('echo', 'hello python'));
    expect(await client.nextMessage()).toBe('hello python');
  });

  it('gives the handler the context object of the Python runtime, and the authorizer context in the event', async () => {
    client.ws.send(frame('whoami'));
    const seen = JSON.parse(await client.nextMessage());
    expect(seen).toMatchObject({
      function_name: 'python-chat-dev-whoami',
      function_version: '$LATEST',
      invoked_function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:python-chat-dev-whoami',
      memory_limit_in_mb: '1024',
      log_group_name: '/aws/lambda/python-chat-dev-whoami',
      remaining_ok: true,
      identity: null,
      client_context: null,
      task_root_first: true,
      authorizer: { principalId: 'python-user', language: 'python' },
    });
    expect(seen.aws_request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(seen.log_stream_name).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('keeps module state between invocations of a warm instance and prints logging records to the dev log', async () => {
    client.ws.send(frame('count'));
    expect(await client.nextMessage()).toBe('1');
    client.ws.send(frame('count'));
    expect(await client.nextMessage()).toBe('2');
    expect(await cli.waitForLine(/\[count\] \[INFO\]\t\d{4}-\d\d-\d\dT[\d:.]+Z\t[0-9a-f-]{36}\tinvocation 2$/)).toBeTruthy();
  });

  it('posts to the connection with boto3 apigatewaymanagementapi at https://{domainName}/{stage}', async () => {
    client.ws.send(frame('push'));
    expect(await client.nextMessage()).toBe('pushed by boto3');
    expect(await cli.waitForLine(/@connections .*PostToConnection 200/)).toBeTruthy();
  });

  it('answers an exception with the Internal server error frame and logs it as the Python runtime does', async () => {
    client.ws.send(frame('boom'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/MESSAGE .* boom .*500 Internal server error \(ValueError: the handler broke\)/)).toBeTruthy();
    expect(await cli.waitForLine(/\[boom\] \[ERROR\] ValueError: the handler broke/)).toBeTruthy();
    expect(await cli.waitForLine(/\[boom\]\s+raise ValueError\("the handler broke"\)/)).toBeTruthy();
  });

  it('reports a failed import as Runtime.ImportModuleError and a missing function as Runtime.HandlerNotFound', async () => {
    client.ws.send(frame('broken'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(
      await cli.waitForLine(/broken .*\(Runtime\.ImportModuleError: Unable to import module 'broken': No module named 'a_module_that_does_not_exist'\)/),
    ).toBeTruthy();
    client.ws.send(frame('missing'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/missing .*\(Runtime\.HandlerNotFound: Handler 'not_there' missing on module 'handler'\)/)).toBeTruthy();
  });

  it('answers sys.exit(3) with Runtime.ExitError and a handler past its timeout with Sandbox.Timedout', async () => {
    client.ws.send(frame('quit'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/quit .*Runtime\.ExitError: RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3/)).toBeTruthy();
    client.ws.send(frame('slow'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/slow .*Sandbox\.Timedout: RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds/)).toBeTruthy();
  });

  it("runs a Node function beside them, and AWS's tutorial shell bootstrap (provided.al2023) unchanged", async () => {
    client.ws.send(frame('node', 'mixed'));
    expect(await client.nextMessage()).toBe('node: mixed');
    client.ws.send(frame('shell'));
    expect(await cli.waitForLine(/MESSAGE .* shell .*200 ok → shell/)).toBeTruthy();
    // function.sh echoes the event to stderr, which is the function's log.
    expect(await cli.waitForLine(/\[shell\] \{"requestContext":\{"routeKey":"shell"/)).toBeTruthy();
  });

  it('notes once at start-up that the python found is another version than the declared python3.12', async () => {
    const version = execFileSync(PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
    const notes = cli.stderr.filter((line) => /RUNTIME_PYTHON_VERSION/.test(line));
    // Eleven python3.12 functions, one note; none when the interpreter is 3.12.
    if (version === '3.12') expect(notes).toEqual([]);
    else expect(notes).toEqual([expect.stringContaining(`declares python3.12 but ${PYTHON} is Python ${version}`)]);
  });
});
