import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';

// `wsgate dev` (a child process) with a service that declares a DynamoDB table with a stream.
const serviceDir = path.join(repoRoot, 'test/fixtures/services/dynamodb-dev');
const configFile = path.join(serviceDir, 'serverless.yml');
const run = promisify(execFile);
// A copy to edit, inside the repository so that its handlers find the SDKs in node_modules.
const reloadDir = path.join(serviceDir, '.wsgate/reload-copy');
const reloadConfigFile = path.join(reloadDir, 'serverless.yml');
let cli: CliProcess | undefined;

afterEach(async () => {
  if (cli && cli.child.exitCode === null) {
    cli.child.kill('SIGINT');
    await cli.exited;
  }
  await killIfRunning(cli);
  cli = undefined;
});

async function startDev(...flags: string[]) {
  const config = flags.includes('--watch') ? reloadConfigFile : configFile;
  cli = runCli(['dev', '--config', config, '--port', '0', '--dynamodb-port', '0', ...(flags.includes('--watch') ? [] : ['--no-watch']), ...flags.filter((flag) => flag !== '--watch')]);
  const started = cli;
  const ws = (await started.waitForLine(/WebSocket:/)).match(/ws:\/\/\S+\/dev/)![0];
  const dynamodbLine = flags.includes('--no-dynamodb') ? undefined : await started.waitForLine(/DynamoDB: {4}/);
  await started.waitForLine(/Press Ctrl-C/);
  return { cli: started, ws, endpoint: dynamodbLine?.match(/http:\/\/127\.0\.0\.1:\d+/)![0] };
}

async function call(ws: string, message: object): Promise<Record<string, any>> {
  const client = await openClient(ws);
  client.ws.send(JSON.stringify(message));
  const answer = JSON.parse(await client.nextMessage());
  client.ws.close();
  return answer;
}

/** The stream events the stream function logged, parsed, as they arrive. */
function streamEvents(dev: CliProcess) {
  return async (occurrence: number) => JSON.parse((await dev.waitForLine(/\[onChange\] STREAM-EVENT /, occurrence)).split('STREAM-EVENT ')[1]!) as { Records: any[] };
}

describe('wsgate dev with the service\'s DynamoDB tables', { timeout: 90_000 }, () => {
  it('serves the table to SDK v3, SDK v2 and boto3 without endpoint code, resolves its Ref/GetAtt, and runs its stream', async () => {
    const dev = await startDev('--reset-data');
    const nextEvent = streamEvents(dev.cli);

    const v3 = await call(dev.ws, { action: 'v3', id: 'a' });
    expect(v3.item).toEqual({ id: { S: 'a' }, via: { S: 'v3' } });
    expect(v3.env.TABLE).toMatch(/^dynamodb-dev-dev-ItemsTable-[A-Z0-9]{13}$/);
    expect(v3.env.TABLE_ARN).toBe(`arn:aws:dynamodb:eu-west-1:123456789012:table/${v3.env.TABLE}`);
    expect(v3.env.STREAM_ARN).toMatch(new RegExp(`^${v3.env.TABLE_ARN}/stream/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}$`));
    expect(v3.env.endpoint).toBe(dev.endpoint);

    const first = await nextEvent(1);
    expect(first.Records).toEqual([
      {
        eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'eu-west-1',
        dynamodb: {
          ApproximateCreationDateTime: expect.any(Number),
          Keys: { id: { S: 'a' } },
          NewImage: { id: { S: 'a' }, via: { S: 'v3' } },
          SequenceNumber: expect.stringMatching(/^\d+$/),
          SizeBytes: expect.any(Number),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: v3.env.STREAM_ARN,
      },
    ]);

    // An SDK that does not read AWS_ENDPOINT_URL_DYNAMODB calls DynamoDB's AWS host name: it reaches the same tables.
    const byAwsHost = await call(dev.ws, { action: 'awsHost', id: 'b' });
    expect(byAwsHost).toEqual({ item: { id: { S: 'b' }, via: { S: 'aws-host' } }, url: 'https://dynamodb.us-east-1.amazonaws.com/' });
    expect((await nextEvent(2)).Records[0]).toMatchObject({ eventName: 'INSERT', dynamodb: { Keys: { id: { S: 'b' } } } });

    const v2 = await call(dev.ws, { action: 'v2', id: 'a' });
    expect(v2).toEqual({ item: { id: 'a', via: 'v2', count: 2 }, endpoint: `${dev.endpoint}/` });
    expect((await nextEvent(3)).Records[0]).toMatchObject({ eventName: 'MODIFY', dynamodb: { OldImage: { via: { S: 'v3' } }, NewImage: { via: { S: 'v2' }, count: { N: '2' } } } });

    const boto3 = await run('/usr/bin/python3', [path.join(serviceDir, 'boto3-client.py'), v3.env.TABLE], {
      env: {
        PATH: process.env.PATH,
        AWS_ENDPOINT_URL_DYNAMODB: dev.endpoint,
        PYTHONPATH: path.join(serviceDir, '.wsgate/python-endpoint-urls'),
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    });
    expect(JSON.parse(boto3.stdout)).toEqual({ via: 'boto3', blob: [0, 1, 254, 255], endpoint: dev.endpoint });
    // A binary attribute reaches the stream function as base64 text.
    expect((await nextEvent(4)).Records[0].dynamodb.NewImage).toEqual({ id: { S: 'from-boto3' }, via: { S: 'boto3' }, blob: { B: 'AAH+/w==' } });

    // `wsgate tables` shows what is stored.
    const tables = await run(process.execPath, [path.join(repoRoot, 'bin/wsgate.js'), 'tables', 'ItemsTable', '--config', configFile]);
    expect(tables.stdout.trim().split('\n').map((line) => JSON.parse(line)).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', via: 'v2', count: 2 },
      { id: 'b', via: 'aws-host' },
      { id: 'from-boto3', via: 'boto3', blob: 'AAH+/w==' },
    ]);
  });

  it('retries a stream batch whose function throws maximumRetryAttempts times, skips it, and goes on', async () => {
    const dev = await startDev('--reset-data');
    const nextEvent = streamEvents(dev.cli);
    await call(dev.ws, { action: 'v3', id: 'bad', fail: true });
    const attempts = [await nextEvent(1), await nextEvent(2)];
    expect(attempts.map((event) => event.Records.map((record) => record.dynamodb.Keys.id.S))).toEqual([['bad'], ['bad']]);
    // The same record both times: a retry, not a second write.
    expect(attempts[1]!.Records[0].eventID).toBe(attempts[0]!.Records[0].eventID);
    expect(await dev.cli.waitForLine(/skipped 1 record\(s\) after 2 attempt\(s\)/)).toMatch(/stream dynamodb-dev-dev-ItemsTable-\w+ → onChange/);
    // The gateway and the stream go on.
    expect((await call(dev.ws, { action: 'v3', id: 'good' })).item.id).toEqual({ S: 'good' });
    expect((await nextEvent(3)).Records.map((record) => record.dynamodb.Keys.id.S)).toEqual(['good']);
    expect(dev.cli.stdout.filter((line) => line.includes('STREAM-EVENT'))).toHaveLength(3);
  });

  it('keeps acknowledged writes through kill -9, and --no-dynamodb leaves the endpoint to the user', async () => {
    const dev = await startDev('--reset-data');
    for (const id of ['k1', 'k2', 'k3']) await call(dev.ws, { action: 'v3', id });
    dev.cli.child.kill('SIGKILL');
    await dev.cli.exited;

    const again = await startDev();
    const answer = await call(again.ws, { action: 'v2', id: 'k4' });
    expect(answer.item.id).toBe('k4');
    const tables = await run(process.execPath, [path.join(repoRoot, 'bin/wsgate.js'), 'tables', 'ItemsTable', '--config', configFile]);
    expect(tables.stdout.trim().split('\n').map((line) => JSON.parse(line).id).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
    again.cli.child.kill('SIGINT');
    await again.cli.exited;

    const off = await startDev('--no-dynamodb');
    expect(off.cli.stdout.some((line) => /DynamoDB: +embedded endpoint off/.test(line))).toBe(true);
    expect(await off.cli.waitForLine(/stream event of function 'onChange' does not run/)).toBeTruthy();
  });

  it('keeps the items and the stream position across a config reload', async () => {
    await rm(reloadDir, { recursive: true, force: true });
    await mkdir(reloadDir, { recursive: true });
    for (const file of ['serverless.yml', 'handlers.js', 'package.json']) await copyFile(path.join(serviceDir, file), path.join(reloadDir, file));
    try {
      const dev = await startDev('--watch', '--reset-data');
      const nextEvent = streamEvents(dev.cli);
      await call(dev.ws, { action: 'v3', id: 'r1' });
      expect((await nextEvent(1)).Records[0].eventName).toBe('INSERT');
      const yaml = await readFile(reloadConfigFile, 'utf8');
      await writeFile(reloadConfigFile, yaml.replace('  timeout: 10\n', '  timeout: 11\n'));
      await dev.cli.waitForLine(/changed: restarting the gateway/);
      const ws = (await dev.cli.waitForLine(/WebSocket:/, 2)).match(/ws:\/\/\S+\/dev/)![0];
      await dev.cli.waitForLine(/Routes:/, 2);
      const v2 = await call(ws, { action: 'v2', id: 'r1' });
      expect(v2.item).toEqual({ id: 'r1', via: 'v2', count: 2 });
      // The item written before the reload is the old image; the first record is not delivered again.
      expect((await nextEvent(2)).Records.map((record: any) => [record.eventName, record.dynamodb.OldImage?.via])).toEqual([['MODIFY', { S: 'v3' }]]);
      expect(dev.cli.stdout.filter((line) => line.includes('STREAM-EVENT'))).toHaveLength(2);
    } finally {
      if (cli && cli.child.exitCode === null) {
        cli.child.kill('SIGINT');
        await cli.exited;
      }
      await rm(reloadDir, { recursive: true, force: true });
    }
  });
});
