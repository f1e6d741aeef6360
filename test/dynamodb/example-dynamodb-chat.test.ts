import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killIfRunning, repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';

// The example `npm run start:dynamodb` runs, through `wsgate dev` as a child process, with two clients.
const run = promisify(execFile);
let cli: CliProcess;
let url: string;

beforeAll(async () => {
  cli = runCli(['dev', '--config', path.join(repoRoot, 'examples/dynamodb-chat/serverless.yml'), '--port', '0', '--dynamodb-port', '0', '--reset-data', '--no-watch']);
  url = (await cli.waitForLine(/WebSocket:/)).match(/ws:\/\/\S+\/dev/)![0];
  await cli.waitForLine(/Press Ctrl-C/);
});
afterAll(async () => {
  if (cli.child.exitCode === null) {
    cli.child.kill('SIGINT');
    await cli.exited;
  }
  await killIfRunning(cli);
});

it('keeps connections in DynamoDB and broadcasts each message from the messages table stream to every client', async () => {
  const ann = await openClient(`${url}?user=ann`);
  const bob = await openClient(`${url}?user=bob`);
  ann.ws.send(JSON.stringify({ action: 'sendmessage', text: 'hello from ann' }));
  expect(JSON.parse(await bob.nextMessage())).toEqual({ from: 'ann', text: 'hello from ann' });
  expect(JSON.parse(await ann.nextMessage())).toEqual({ from: 'ann', text: 'hello from ann' });

  // Once bob has gone, $disconnect has deleted his item: the table holds ann alone, and she still hears messages.
  await bob.close();
  await cli.waitForLine(/DISCONNECT .* → disconnect/);
  const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bin/wsgate.js'), 'tables', 'ConnectionsTable', '--config', path.join(repoRoot, 'examples/dynamodb-chat/serverless.yml')]);
  expect(stdout.trim().split('\n').map((line) => JSON.parse(line).user)).toEqual(['ann']);
  ann.ws.send(JSON.stringify({ action: 'sendmessage', text: 'anyone?' }));
  expect(JSON.parse(await ann.nextMessage())).toEqual({ from: 'ann', text: 'anyone?' });
  expect(cli.stdout.filter((line) => /stream .*MessagesTable.* → broadcast: 1 record\(s\) OK/.test(line)).length).toBeGreaterThanOrEqual(1);
  await ann.close();
});
