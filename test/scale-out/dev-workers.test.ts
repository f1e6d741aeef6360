import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { createServiceCopies } from '../support/service-copy.js';
import { openClient, type TestClient } from '../support/ws-client.js';

const config = 'test/fixtures/services/scale-out-relay/serverless.yml';

/** The pid of worker `index` of a `--workers` primary: its child process whose environment names that index. */
function workerPids(primaryPid: number, index: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== primaryPid) return false;
        return readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(`WSGATE_WORKER_INDEX=${index}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}
let cli: CliProcess | undefined;
const copies = createServiceCopies();
afterEach(async () => {
  await killIfRunning(cli);
  cli = undefined;
  await copies.removeAll();
});

describe('wsgate dev --workers', () => {
  it('runs two gateways behind one port with a redis-server of its own: a relay crosses workers and the logs name them', async () => {
    cli = runCli(['dev', '--config', config, '--port', '0', '--no-watch', '--workers', '2']);
    const head = await cli.waitForLine(/--workers 2:/);
    expect(head).toMatch(/gateways w1…w2 share port \d+, joined through Redis at redis:\/\/127\.0\.0\.1:\d+ \(a redis-server started for this run\)/);
    const port = Number(/share port (\d+)/.exec(head)![1]);
    await cli.waitForLine(/^\[w1\]\s+Scale-out:\s+node \S+-w1;/);
    await cli.waitForLine(/^\[w2\]\s+Scale-out:\s+node \S+-w2;/);
    await cli.waitForLine(/^Press Ctrl-C to stop\./);

    // Connections are dealt to the workers in turn: open clients until each worker has one.
    const byWorker = new Map<string, { client: TestClient; connectionId: string }>();
    const clients: TestClient[] = [];
    for (let n = 1; byWorker.size < 2; n++) {
      expect(n).toBeLessThanOrEqual(8);
      const client = await openClient(`ws://127.0.0.1:${port}/dev`);
      clients.push(client);
      const line = await cli.waitForLine(/CONNECT .* \$connect .*accepted 200/, n);
      const [, worker, connectionId] = /^\[(w\d)\] .*CONNECT\s+(\S+)/.exec(line)!;
      if (!byWorker.has(worker!)) byWorker.set(worker!, { client, connectionId: connectionId! });
    }
    const one = byWorker.get('w1')!;
    const two = byWorker.get('w2')!;
    one.client.ws.send(JSON.stringify({ action: 'relay', to: two.connectionId, text: 'across workers' }));
    expect(await two.client.nextMessage()).toBe('across workers');
    // The handler's own @connections request is dealt to either worker: w2 answers it itself, or w1 hands it over.
    const relayed = await cli.waitForLine(/PostToConnection 200(?!, for a caller)/);
    expect(relayed).toMatch(/^\[w2\] .*PostToConnection 200 \(|^\[w1\] .*PostToConnection 200, answered by node \S+-w2 /);

    // New HTTP connections are dealt in turn too: of four posts to w1's client, some cross from w2.
    for (let n = 0; n < 4; n++) {
      const res = await fetch(`http://127.0.0.1:${port}/dev/@connections/${encodeURIComponent(one.connectionId)}`, { method: 'POST', body: `post ${n}`, headers: { connection: 'close' } });
      expect(res.status).toBe(200);
      expect(await one.client.nextMessage()).toBe(`post ${n}`);
    }
    expect(await cli.waitForLine(/^\[w2\] .*PostToConnection 200, answered by node \S+-w1 /)).toContain(one.connectionId);
    expect(await cli.waitForLine(/^\[w1\] .*PostToConnection 200, for a caller on node \S+-w2 /)).toContain(one.connectionId);

    // A worker that dies is started again; its clients lose their connection (1006), the others keep theirs.
    const [workerPid] = workerPids(cli.child.pid!, 2);
    process.kill(workerPid!, 'SIGKILL');
    expect(await cli.waitForLine(/exited \(SIGKILL\): starting it again/)).toMatch(/^\[w2\] /);
    expect(await cli.waitForLine(/^\[w2\]\s+Scale-out:/, 2)).toMatch(/node \S+-w2;/);
    const survivors = clients.filter((client) => client.ws.readyState === client.ws.OPEN);
    expect(survivors.length).toBeGreaterThan(0);
    const fresh = await openClient(`ws://127.0.0.1:${port}/dev`);
    clients.splice(0, clients.length, ...survivors, fresh);

    cli.child.kill('SIGINT');
    for (const client of clients) expect((await client.closed).code).toBe(1001);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout.filter((line) => /^\[w\d\] .*DISCONNECT .*1001 "Going away" → disconnect/.test(line))).toHaveLength(clients.length);
    expect(cli.stdout.at(-1)).toBe('Stopped.');
  });

  it('serves a chat whose tables and stream live in DynamoDB: worker 1 holds the tables, a message reaches clients on both workers', async () => {
    const dir = await copies.copy('examples/dynamodb-chat', 'wsgate-workers-chat-');
    cli = runCli(['dev', '--config', path.join(dir, 'serverless.yml'), '--port', '0', '--dynamodb-port', '0', '--no-watch', '--workers', '2']);
    const port = Number(/share port (\d+)/.exec(await cli.waitForLine(/--workers 2:/))![1]);
    const held = await cli.waitForLine(/^\[w1\]\s+DynamoDB:\s+http/);
    const dynamodbUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(held)![1]!;
    expect(await cli.waitForLine(/^\[w2\]\s+DynamoDB:\s+http/)).toContain(`${dynamodbUrl}  (wsgate-dynamodb-chat-dev-connections, `);
    expect(await cli.waitForLine(/^\[w2\]\s+DynamoDB:\s+http/)).toMatch(/held by worker w1, which runs their streams\)$/);
    await cli.waitForLine(/^Press Ctrl-C to stop\./);

    // Clients until each worker has one: whoever sends, the stream's broadcast reaches all of them.
    const byWorker = new Map<string, TestClient>();
    const clients: TestClient[] = [];
    for (let n = 1; byWorker.size < 2; n++) {
      expect(n).toBeLessThanOrEqual(8);
      const client = await openClient(`ws://127.0.0.1:${port}/dev?user=u${n}`);
      clients.push(client);
      const worker = /^\[(w\d)\]/.exec(await cli.waitForLine(/CONNECT .* \$connect .*accepted 200/, n))![1]!;
      if (!byWorker.has(worker)) byWorker.set(worker, client);
    }
    byWorker.get('w2')!.ws.send(JSON.stringify({ action: 'sendmessage', text: 'from the second worker' }));
    for (const client of clients) expect(JSON.parse(await client.nextMessage())).toMatchObject({ text: 'from the second worker' });
    // The stream runs in worker 1 only: each client gets each message once (the next frame is the next message).
    byWorker.get('w1')!.ws.send(JSON.stringify({ action: 'sendmessage', text: 'from the first worker' }));
    for (const client of clients) expect(JSON.parse(await client.nextMessage())).toMatchObject({ text: 'from the first worker' });

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a number of workers that is not one', async () => {
    cli = runCli(['dev', '--config', config, '--port', '0', '--workers', '0']);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('\n')).toContain('Error [CLI_INVALID_OPTION] at --workers: --workers must be a whole number of gateway processes (1-256), got "0".');
  });
});
