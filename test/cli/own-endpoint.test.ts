import { get } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';

const joinConfig = 'test/fixtures/services/endpoint-join-sdk2/serverless.yml';
const subConfig = 'test/fixtures/services/endpoint-sub-sdk3/serverless.yml';

let cli: CliProcess | undefined;
afterEach(async () => {
  await killIfRunning(cli);
  cli = undefined;
});

async function startDev(config: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  cli = runCli(['dev', '--config', config, '--port', '0', '--no-watch', ...extraArgs], { env });
  const line = await cli.waitForLine(/WebSocket:/);
  return Number(/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)![1]);
}

async function stopDev(): Promise<void> {
  cli!.child.kill('SIGINT');
  expect(await cli!.exited).toBe(0);
}

describe("wsgate dev: the service's own endpoint written as CloudFormation", () => {
  it('resolves a !Join endpoint and !Ref/!GetAtt of user resources, and an SDK v2 handler posting to it reaches the client', async () => {
    const port = await startDev(joinConfig);
    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    client.ws.send('hello');
    const seen = JSON.parse(await client.nextMessage()) as Record<string, string>;
    expect(seen.apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(seen.WS_ENDPOINT).toBe(`https://${seen.apiId}.execute-api.eu-west-1.amazonaws.com/dev`);
    expect(await cli!.waitForLine(/From handlers:/)).toContain(`${seen.WS_ENDPOINT} leads here`);
    expect(seen.CONNECTIONS_TABLE).toBe('endpoint-join-dev-connections');
    expect(seen.CONNECTIONS_TABLE_ARN).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/endpoint-join-dev-connections');
    // An SQS queue without QueueName: CloudFormation names it {stack}-{LogicalId}-{random}; Ref is its URL.
    expect(seen.EVENTS_QUEUE_URL).toMatch(/^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/endpoint-join-dev-EventsQueue-[A-Z0-9]{12}$/);
    expect(await cli!.waitForLine(/@connections .*PostToConnection 200/)).toBeTruthy();
    await client.close();
    await stopDev();
    expect(cli!.stderr.join('\n')).not.toContain('RUNTIME_ENVIRONMENT_INTRINSIC');
  });

  it('resolves an Fn::Sub endpoint for SDK v3, and a URL built from requestContext.apiId reaches the gateway too', async () => {
    const port = await startDev(subConfig);
    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    client.ws.send('{"action":"anything"}');
    const seen = JSON.parse(await client.nextMessage()) as Record<string, string>;
    const apiId = /^https:\/\/([a-z0-9]{10})\.execute-api\.us-west-2\.amazonaws\.com\/dev$/.exec(seen.WS_ENDPOINT!)?.[1];
    expect(apiId).toBeDefined();
    client.ws.send('{"action":"built"}');
    expect(await client.nextMessage()).toBe(`built https://${apiId}.execute-api.us-west-2.amazonaws.com/dev`);
    await client.close();
    await stopDev();
  });
});

describe('wsgate dev: local values for handlers', () => {
  it('applies provider environment, then custom.wsgate.environment, then --env, and passes AWS_ENDPOINT_URL* from the shell', async () => {
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      WSGATE_SHELL_ONLY: 'must not reach handlers',
    };
    const port = await startDev(subConfig, ['--env', 'BY_FLAG=flag=with=equals', '--env', 'FROM_PROVIDER=flag'], env);
    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    client.ws.send('env');
    expect(JSON.parse(await client.nextMessage())).toMatchObject({
      FROM_PROVIDER: 'flag',
      OVERRIDDEN: 'custom',
      FROM_CUSTOM: 'custom',
      BY_FLAG: 'flag=with=equals',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      WSGATE_SHELL_ONLY: null,
    });
    await client.close();
    await stopDev();
  });

  it('refuses an --env without KEY=VALUE, naming the option and showing the form', async () => {
    cli = runCli(['dev', '--config', subConfig, '--port', '0', '--env', 'NOEQUALS']);
    expect(await cli.exited).toBe(1);
    const output = cli.stderr.join('\n');
    expect(output).toContain('--env takes KEY=VALUE');
    expect(output).toContain('NOEQUALS');
    expect(output).not.toMatch(/\n\s+at /);
  });
});

describe('wsgate dev: a plain HTTP request to the WebSocket URL', () => {
  it('answers 426 Upgrade Required, over http and https, as the serverless-offline suite expects of AWS', async () => {
    const port = await startDev(joinConfig);
    const stamp = Date.now();
    for (const path of [`/dev/${stamp}`, `/dev/${stamp}/${stamp}`, '/dev', '/']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status, path).toBe(426);
      expect(res.statusText).toBe('Upgrade Required');
      expect(res.headers.get('upgrade')).toBe('websocket');
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await res.json()).toEqual({ message: 'Upgrade Required' });
    }
    const overTls = await new Promise<{ status?: number; message?: string }>((resolve, reject) => {
      // The certificate is the gateway's self-signed one; what is checked here is the answer.
      get(`https://127.0.0.1:${port}/dev/${stamp}`, { rejectUnauthorized: false }, (res) => {
        res.setEncoding('utf8');
        let body = '';
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, message: res.statusMessage }));
      }).on('error', reject);
    });
    expect(overTls).toEqual({ status: 426, message: 'Upgrade Required' });
    // A management path keeps its own answers; other methods on the WebSocket URL stay 403.
    expect((await fetch(`http://127.0.0.1:${port}/dev/@connections/nope`)).status).toBe(410);
    expect((await fetch(`http://127.0.0.1:${port}/dev`, { method: 'POST', body: 'x' })).status).toBe(403);
    await stopDev();
  });
});
