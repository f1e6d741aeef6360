import { fileURLToPath } from 'node:url';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import AWS from 'aws-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadService } from '../../src/config/load.js';
import { WsgateError } from '../../src/errors.js';
import { describeBindWarning } from '../../src/gateway/bind-warning.js';
import { createGateway, type GatewayOptions } from '../../src/gateway/create-gateway.js';
import { createIdGenerator } from '../../src/gateway/ids.js';
import { buildModel } from '../support/build-model.js';
import { runCli, type CliProcess } from '../support/child-cli.js';
import { startEchoGateway, type EchoGateway } from '../support/echo-gateway.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { createTestInvoker, type TestInvoker } from '../support/test-invoker.js';
import { openClient } from '../support/ws-client.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/services/${name}/`, import.meta.url));
let gw: RunningGateway | undefined;
let cli: CliProcess | undefined;
let invoker: TestInvoker;
afterEach(async () => {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
  cli = undefined;
  await gw?.close();
  gw = undefined;
});

async function startSecurityGateway(options: GatewayOptions = {}): Promise<EchoGateway> {
  const echo = await startEchoGateway({ tls: false, ...options });
  invoker = echo.invoker;
  gw = echo;
  return echo;
}

const connect = () => (gw as EchoGateway).connect();

describe('listening address', () => {
  it('listens on 127.0.0.1 unless told otherwise', async () => {
    invoker = createTestInvoker({ echo: (event) => ({ body: event.body }) });
    const gateway = createGateway(buildModel([{ routeKey: '$default', functionKey: 'echo', routeResponse: true }]), { port: 0, invoker, tls: false });
    const address = await gateway.listen();
    try {
      expect(address.host).toBe('127.0.0.1');
      expect(address.url).toBe(`ws://127.0.0.1:${address.port}`);
      const client = await openClient(address.url);
      client.ws.send('local');
      expect(await client.nextMessage()).toBe('local');
      client.ws.close();
    } finally {
      await gateway.close();
    }
  });

  it('warns for every address beyond loopback, never for loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(describeBindWarning(host), host).toBeUndefined();
    for (const host of ['0.0.0.0', '::', '', '192.168.1.10', '10.0.0.1', 'example.local']) {
      expect(describeBindWarning(host), host).toMatch(/^Listening on .*beyond this machine.*Use --host 127\.0\.0\.1/);
    }
    expect(describeBindWarning('0.0.0.0')).toContain('without any credentials');
    expect(describeBindWarning('0.0.0.0', true)).toContain('with valid signatures');
  });

  it('wsgate dev prints the warning when bound beyond loopback (an address this machine does not have: nothing listens)', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): binding fails, so no port opens beyond loopback during the test.
    cli = runCli(['dev', '--config', `${fixture('hardening-limits-runtime')}serverless.yml`, '--host', '192.0.2.1', '--port', '0', '--no-watch']);
    expect(await cli.exited).toBe(1);
    const stderr = cli.stderr.join('\n');
    expect(stderr).toContain('Warning: Listening on 192.0.2.1, beyond this machine');
    expect(stderr).toContain('Error [GATEWAY_LISTEN_FAILED]');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('wsgate dev prints no warning on the default host and refuses bad limit flags clearly', async () => {
    cli = runCli(['dev', '--config', `${fixture('hardening-limits-runtime')}serverless.yml`, '--port', '0', '--no-watch', '--idle-timeout', '60']);
    const line = await cli.waitForLine(/WebSocket:/);
    expect(line).toContain('ws://127.0.0.1:');
    await cli.waitForLine(/Press Ctrl-C/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr.join('\n')).not.toContain('Warning: Listening');

    cli = runCli(['dev', '--config', `${fixture('hardening-limits-runtime')}serverless.yml`, '--port', '0', '--integration-timeout', 'soon']);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('\n')).toContain('Error [CLI_INVALID_OPTION] at --integration-timeout: --integration-timeout must be a number of seconds greater than 0, got "soon".');
  });
});

describe('SigV4 signatures on @connections (requireSignatures)', () => {
  const good = { accessKeyId: 'AKIDWSGATETEST', secretAccessKey: 'the-right-secret' };
  const start = () => startSecurityGateway({ requireSignatures: { credentials: [good] } });
  const v3 = (credentials = good, extra: Record<string, unknown> = {}) =>
    new ApiGatewayManagementApiClient({ endpoint: gw!.address.managementEndpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });
  const v2 = (credentials = good) =>
    new AWS.ApiGatewayManagementApi({ endpoint: gw!.address.managementEndpoint, region: 'us-east-1', credentials: new AWS.Credentials(credentials), maxRetries: 0 });

  it('accepts requests the SDK v3 and v2 sign with the configured credentials (POST, GET, DELETE)', async () => {
    await start();
    const { client, connectionId } = await connect();
    await v3().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('signed by v3') }));
    expect(await client.nextMessage()).toBe('signed by v3');
    await v2().postToConnection({ ConnectionId: connectionId, Data: 'signed by v2' }).promise();
    expect(await client.nextMessage()).toBe('signed by v2');
    const info = await v3().send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    await v2().deleteConnection({ ConnectionId: connectionId }).promise();
    expect((await client.closed).code).toBe(1000);
  });

  it('refuses a wrong secret with 403 InvalidSignatureException (v3 and v2) and delivers nothing', async () => {
    await start();
    const { client, connectionId } = await connect();
    const wrong = { ...good, secretAccessKey: 'a-wrong-secret' };
    const v3Error = await v3(wrong)
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('forged') }))
      .catch((err: unknown) => err);
    expect(v3Error).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    expect((v3Error as Error).message).toContain('The request signature we calculated does not match the signature you provided.');
    const v2Error = await v2(wrong)
      .postToConnection({ ConnectionId: connectionId, Data: 'forged' })
      .promise()
      .catch((err: unknown) => err);
    expect(v2Error).toMatchObject({ code: 'InvalidSignatureException', statusCode: 403 });
    const deleteError = await v3(wrong)
      .send(new DeleteConnectionCommand({ ConnectionId: connectionId }))
      .catch((err: unknown) => err);
    expect(deleteError).toMatchObject({ name: 'InvalidSignatureException' });

    // The connection was neither written to nor closed: the next frame is the echo of its own message.
    client.ws.send('untouched');
    expect(await client.nextMessage()).toBe('untouched');
    client.ws.close();
  });

  it('refuses an unknown access key, a wrong region, an expired signature and an unsigned request', async () => {
    await start();
    const { client, connectionId } = await connect();
    const post = (api: ApiGatewayManagementApiClient) =>
      api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('x') })).catch((err: unknown) => err);

    expect(await post(v3({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'whatever' }))).toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    expect(await post(v3(good, { region: 'eu-west-1' }))).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    const expired = await post(v3(good, { systemClockOffset: -20 * 60_000 }));
    expect(expired).toMatchObject({ name: 'InvalidSignatureException' });
    expect((expired as Error).message).toMatch(/^Signature expired: /);

    const unsigned = await fetch(`${gw!.address.connectionsUrl}/${encodeURIComponent(connectionId)}`, { method: 'POST', body: 'x' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });

    client.ws.send('still mine');
    expect(await client.nextMessage()).toBe('still mine');
    client.ws.close();
  });

  it('refuses a signed request replayed with other data or to another connection', async () => {
    await start();
    const { client, connectionId } = await connect();
    const other = await connect();
    let signed: { headers: Record<string, string>; path: string } | undefined;
    const api = v3();
    api.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string>; path: string };
        signed = { headers: { ...request.headers }, path: request.path };
        return next(args);
      },
      { step: 'deserialize', priority: 'low' },
    );
    await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('original') }));
    expect(await client.nextMessage()).toBe('original');
    const replay = (path: string, body: string) => {
      const headers = { ...signed!.headers };
      delete headers['content-length'];
      return fetch(`http://127.0.0.1:${gw!.address.port}${path}`, { method: 'POST', headers, body });
    };
    const sameRequest = await replay(signed!.path, 'original');
    expect(sameRequest.status).toBe(200);
    expect(await client.nextMessage()).toBe('original');

    const otherData = await replay(signed!.path, 'tampered');
    expect(otherData.status).toBe(403);
    expect(otherData.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    const otherTarget = await replay(signed!.path.replace(encodeURIComponent(connectionId), encodeURIComponent(other.connectionId)), 'original');
    expect(otherTarget.status).toBe(403);

    client.ws.send('no tampered frame before this');
    expect(await client.nextMessage()).toBe('no tampered frame before this');
    other.client.ws.send('nor here');
    expect(await other.client.nextMessage()).toBe('nor here');
    client.ws.close();
    other.client.ws.close();
  });

  it('wsgate dev --verify-signatures accepts the shell credentials and refuses a wrong secret', async () => {
    const shell = { accessKeyId: 'AKIDFROMTHESHELL', secretAccessKey: 'shell-secret' };
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = shell.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = shell.secretAccessKey;
    try {
      cli = runCli(['dev', '--config', `${fixture('hardening-limits-runtime')}serverless.yml`, '--port', '0', '--no-watch', '--verify-signatures']);
    } finally {
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const line = await cli.waitForLine(/WebSocket:/);
    const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    const connectionId = /CONNECT\s+(\S+)/.exec(await cli.waitForLine(/CONNECT .*accepted/))![1]!;
    const api = (credentials: typeof shell) =>
      new ApiGatewayManagementApiClient({ endpoint: `http://127.0.0.1:${port}/dev`, region: 'us-east-1', credentials, maxAttempts: 1 });
    await api(shell).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('from the shell') }));
    expect(await client.nextMessage()).toBe('from the shell');
    const refused = await api({ ...shell, secretAccessKey: 'not-it' })
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('forged') }))
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    client.ws.send('after');
    expect(await client.nextMessage()).toBe('echo: after');
    client.ws.close();
  });

  it('checks nothing by default: unsigned requests work', async () => {
    await startSecurityGateway();
    const { client, connectionId } = await connect();
    const res = await fetch(`${gw!.address.connectionsUrl}/${encodeURIComponent(connectionId)}`, { method: 'POST', body: 'unsigned' });
    expect(res.status).toBe(200);
    expect(await client.nextMessage()).toBe('unsigned');
    client.ws.close();
  });
});

describe('connection ids', () => {
  it('are 16 characters drawn from 88 random bits, never repeating', () => {
    const ids = createIdGenerator();
    const seen = new Set<string>();
    const ones = new Array<number>(88).fill(0);
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const id = ids.nextId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
      seen.add(id);
      const bytes = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      for (let bit = 0; bit < 88; bit++) ones[bit]! += (bytes[bit >> 3]! >> (7 - (bit & 7))) & 1;
    }
    expect(seen.size).toBe(draws);
    // Every bit is set about half the time (a counter or a clock would leave high bits constant).
    for (const count of ones) expect(Math.abs(count / draws - 0.5)).toBeLessThan(0.03);
  });

  it('differ between connections opened at the same moment', async () => {
    await startSecurityGateway();
    const clients = await Promise.all(Array.from({ length: 30 }, () => openClient(gw!.address.stageUrl)));
    const ids = invoker.invocations.filter((i) => i.functionKey === 'connect').map((i) => i.event.requestContext.connectionId as string);
    expect(new Set(ids).size).toBe(30);
    for (const client of clients) client.ws.close();
  });
});

describe('handler paths', () => {
  it('refuses to start a service whose handler points outside the service folder, and opens no port', async () => {
    const { model } = await loadService({ serviceDir: fixture('hardening-limits-outside') });
    const gateway = createGateway(model, { port: 0, tls: false, runtime: { onLog: () => {} } });
    const error = await gateway.listen().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WsgateError);
    expect(error).toMatchObject({ code: 'RUNTIME_INVALID_HANDLER', path: 'functions.escape.handler', userError: true });
    expect((error as WsgateError).message).toContain('outside the service folder');
    expect(() => gateway.address()).toThrow(WsgateError);
    await gateway.close();
  });

  it('wsgate dev reports it as a user error with the file, line and config path, without a stack', async () => {
    cli = runCli(['dev', '--config', `${fixture('hardening-limits-outside')}serverless.yml`, '--port', '0', '--no-watch']);
    expect(await cli.exited).toBe(1);
    const stderr = cli.stderr.join('\n');
    expect(stderr).toMatch(/Error \[RUNTIME_INVALID_HANDLER\] .*serverless\.yml:14:5 at functions\.escape\.handler: .*outside the service folder/);
    expect(stderr).toContain('Hint:');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe('YAML keys named __proto__ or constructor', () => {
  const pollution = () => [({} as Record<string, unknown>).polluted, ({} as Record<string, unknown>).isAdmin, (Object.prototype as Record<string, unknown>).polluted];

  it('stay plain data: no prototype changes, no inherited values, and the service runs', async () => {
    const { model, config, warnings } = await loadService({ serviceDir: fixture('hardening-limits-proto') });
    expect(pollution()).toEqual([undefined, undefined, undefined]);
    const custom = model.custom as Record<string, Record<string, unknown>>;
    for (const key of ['nested', 'copied', 'merged'] as const) {
      expect(Object.getPrototypeOf(custom[key]), key).toBe(Object.prototype);
      expect(custom[key]!.isAdmin, key).toBeUndefined();
      expect(custom[key]!.polluted, key).toBeUndefined();
    }
    // The keys are kept as data, as YAML wrote them.
    expect(Object.keys(custom.nested!)).toEqual(['__proto__']);
    expect(JSON.stringify(config.custom)).toContain('"nested":{"__proto__":{"isAdmin":true}}');
    expect(warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining(['Unknown property "__proto__": wsgate ignores it', 'Unknown property "__proto__" in provider: wsgate ignores it']),
    );

    gw = await startGateway(model, { tls: false, runtime: { onLog: () => {} } });
    const client = await openClient(gw.address.stageUrl);
    client.ws.send('proto-safe');
    expect(await client.nextMessage()).toBe('proto-safe');
    client.ws.close();
  });

  it('in a place that needs a value, are reported as a configuration error with file, line and path', async () => {
    const error = await loadService({ serviceDir: fixture('hardening-limits-proto-invalid') }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WsgateError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID_VALUE', path: 'provider.environment.__proto__', location: { line: 12 } });
    expect((error as WsgateError).issues.map((i) => i.path)).toContain('provider.environment.constructor');
    expect(pollution()).toEqual([undefined, undefined, undefined]);
  });
});

describe('authorizer Deny under reconnect races', () => {
  const authorizer = { kind: 'function' as const, name: 'auth', functionKey: 'auth', identitySource: ['route.request.header.Auth'] };
  let revoked = new Set<string>();

  async function startAuthGateway(): Promise<void> {
    revoked = new Set();
    invoker = createTestInvoker({
      auth: async (event) => {
        const token: string = event.headers.Auth;
        // Decisions finish in a scrambled order, so allowed and denied handshakes overlap.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15)));
        const allow = token.startsWith('good-') && !revoked.has(token);
        return {
          principalId: token,
          policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: allow ? 'Allow' : 'Deny', Resource: event.methodArn }] },
          context: { token },
        };
      },
      connect: () => ({ statusCode: 200 }),
      echo: (event) => ({ statusCode: 200, body: `${event.requestContext.authorizer.token}:${event.body}` }),
    });
    gw = await startGateway(
      buildModel(
        [
          { routeKey: '$connect', functionKey: 'connect', authorizer },
          { routeKey: '$default', functionKey: 'echo', routeResponse: true },
        ],
        { extraFunctions: ['auth'] },
      ),
      { invoker, tls: false },
    );
  }

  function attempt(token: string): Promise<{ token: string; ws?: WebSocket; status?: number }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(gw!.address.stageUrl, { headers: { Auth: token } });
      ws.on('open', () => resolve({ token, ws }));
      ws.on('unexpected-response', (_req, res) => {
        res.resume();
        resolve({ token, status: res.statusCode });
      });
      ws.on('error', reject);
    });
  }

  it('lets none of many parallel denied connects and reconnects through, while allowed ones get their own identity', async () => {
    await startAuthGateway();
    const tokens = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `good-${i}` : `bad-${i}`));
    // Every denied client reconnects at once, three times over, interleaved with the allowed ones.
    const waves = [tokens, tokens.filter((t) => t.startsWith('bad-')), tokens.filter((t) => t.startsWith('bad-'))];
    const results = (await Promise.all(waves.map((wave) => Promise.all(wave.map(attempt))))).flat();

    const opened = results.filter((r) => r.ws);
    expect(opened.map((r) => r.token).sort()).toEqual(tokens.filter((t) => t.startsWith('good-')).sort());
    expect(results.filter((r) => r.token.startsWith('bad-')).every((r) => r.status === 403)).toBe(true);
    const connects = invoker.invocations.filter((i) => i.functionKey === 'connect');
    expect(connects).toHaveLength(20);
    for (const { event } of connects) expect(event.requestContext.authorizer.token).toBe(event.headers.Auth);

    // Each open connection carries its own authorizer context.
    for (const { ws, token } of opened) {
      const reply = new Promise<string>((resolve) => ws!.once('message', (data) => resolve(String(data))));
      ws!.send('who');
      expect(await reply).toBe(`${token}:who`);
      ws!.close();
    }
  });

  it('denies a reconnect storm after the token is revoked, though the same token connected before', async () => {
    await startAuthGateway();
    const first = await attempt('good-revocable');
    expect(first.ws).toBeDefined();
    revoked.add('good-revocable');
    const storm = await Promise.all(Array.from({ length: 25 }, () => attempt('good-revocable')));
    expect(storm.map((r) => r.status)).toEqual(new Array(25).fill(403));
    expect(invoker.invocations.filter((i) => i.functionKey === 'auth')).toHaveLength(26);
    expect(invoker.invocations.filter((i) => i.functionKey === 'connect')).toHaveLength(1);
    // The connection opened before revocation stays as it was (AWS authorizes at connect time only).
    const reply = new Promise<string>((resolve) => first.ws!.once('message', (data) => resolve(String(data))));
    first.ws!.send('still here');
    expect(await reply).toBe('good-revocable:still here');
    first.ws!.close();
  });
});
