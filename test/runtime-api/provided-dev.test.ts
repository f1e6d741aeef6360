import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient, tryOpenClient, type TestClient } from '../support/ws-client.js';

// A provided.al2023 service with no bootstrap of its own: the functions run the shell runtime of a layer
// (Lambda's /opt/bootstrap), and one function a layer whose runtime fails its init.
const config = 'test/fixtures/services/provided-layer/serverless.yml';
const frame = (action: string, data = 'hi') => JSON.stringify({ action, data });
const internalError = /^\{"message": "Internal server error", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/;

describe('wsgate dev: provided.al2023 functions whose bootstrap comes from a layer', () => {
  let cli: CliProcess;
  let url: string;
  let client: TestClient;

  beforeAll(async () => {
    cli = runCli(['dev', '--config', config, '--port', '0', '--no-watch']);
    const line = await cli.waitForLine(/WebSocket:/);
    url = `ws://127.0.0.1:${/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)![1]}/dev`;
    client = await openClient(`${url}?token=let-me-in`);
  }, 30_000);

  afterAll(async () => {
    await killIfRunning(cli);
  });

  it("runs the layer's bootstrap for the authorizer: Allow admits the connection, Deny refuses it with 403", async () => {
    expect(await cli.waitForLine(/CONNECT .*\$connect .*accepted 200 → connect/)).toBeTruthy();
    const denied = await tryOpenClient(`${url}?token=wrong`);
    expect(denied.open).toBe(false);
    if (!denied.open) expect(denied.status).toBe(403);
  });

  it('answers a route response from the handler function the bootstrap sourced from the task root', async () => {
    client.ws.send(frame('echo', 'from the layer'));
    expect(await client.nextMessage()).toBe('shell: from the layer');
  });

  it('lets curl post to @connections at https://{apiId}.execute-api.{region}.amazonaws.com, reaching the local gateway', async () => {
    client.ws.send(frame('push'));
    expect(await client.nextMessage()).toBe('pushed by curl');
    expect(await client.nextMessage()).toBe('push answered 200');
    expect(await cli.waitForLine(/@connections .*PostToConnection 200/)).toBeTruthy();
  });

  it("refuses any other host at the handlers' proxy, so nothing leaves the machine", async () => {
    client.ws.send(frame('elsewhere'));
    // curl reports the proxy's answer to CONNECT (403) and exit 56 (failure receiving network data).
    expect(await client.nextMessage()).toBe('proxy answered 403, curl exit 56');
  });

  it('answers what the bootstrap posts to invocation/{id}/error with the Internal server error frame', async () => {
    client.ws.send(frame('boom'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/MESSAGE .* boom .*500 Internal server error \(ShellError: the shell handler broke\)/)).toBeTruthy();
    expect(await cli.waitForLine(/\[boom\] the shell handler broke/)).toBeTruthy();
  });

  it("fails the invocation of a function whose layer's bootstrap posts init/error with that error", async () => {
    client.ws.send(frame('initFails'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/initFails .*\(Runtime\.ConfigError: the runtime found no configuration\)/)).toBeTruthy();
  });

  it('answers a runtime that ends with Runtime.ExitError and one past its timeout with Sandbox.Timedout', async () => {
    client.ws.send(frame('quit'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/quit .*Runtime\.ExitError: RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: terminated/)).toBeTruthy();
    client.ws.send(frame('slow'));
    expect(await client.nextMessage()).toMatch(internalError);
    expect(await cli.waitForLine(/slow .*Sandbox\.Timedout: RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds/)).toBeTruthy();
  });

  it('starts without a missing-bootstrap warning, since the layers provide one', () => {
    expect(cli.stderr.filter((line) => /RUNTIME_BOOTSTRAP_MISSING/.test(line))).toEqual([]);
  });
});
