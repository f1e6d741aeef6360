import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import AWS from 'aws-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEchoGateway, type EchoGateway } from '../support/echo-gateway.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
let redis: TestRedis;
const nodes: EchoGateway[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.close()));
});

async function startNode(nodeId: string): Promise<EchoGateway> {
  const node = await startEchoGateway({ tls: false, redis: { url: redis.url, nodeId } });
  nodes.push(node);
  return node;
}

const v3 = (node: EchoGateway) => new ApiGatewayManagementApiClient({ endpoint: node.address.managementEndpoint, region: 'us-east-1', credentials });
const v2 = (node: EchoGateway) =>
  new AWS.ApiGatewayManagementApi({ apiVersion: '2018-11-29', endpoint: node.address.managementEndpoint, region: 'us-east-1', credentials: new AWS.Credentials(credentials) });

describe('@connections across gateway nodes sharing a Redis', () => {
  it('posts, gets and deletes a connection of another node with the AWS SDK v3', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const onB = await b.connect();
    await v3(a).send(new PostToConnectionCommand({ ConnectionId: onB.connectionId, Data: Buffer.from('{"from":"a"}') }));
    expect(await onB.client.nextMessage()).toBe('{"from":"a"}');

    const info = await v3(a).send(new GetConnectionCommand({ ConnectionId: onB.connectionId }));
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);

    await v3(a).send(new DeleteConnectionCommand({ ConnectionId: onB.connectionId }));
    expect((await onB.client.closed).code).toBe(1000);
    await expect(v3(a).send(new PostToConnectionCommand({ ConnectionId: onB.connectionId, Data: Buffer.from('late') }))).rejects.toBeInstanceOf(GoneException);
    // The answering node is named in each side's log.
    expect(a.management.map((call) => [call.operation, call.status, call.node])).toEqual([
      ['PostToConnection', 200, 'node-b'],
      ['GetConnection', 200, 'node-b'],
      ['DeleteConnection', 204, 'node-b'],
      ['PostToConnection', 410, undefined],
    ]);
    expect(b.management.map((call) => [call.operation, call.forwardedFrom])).toEqual([
      ['PostToConnection', 'node-a'],
      ['GetConnection', 'node-a'],
      ['DeleteConnection', 'node-a'],
    ]);
  });

  it('does the same with the AWS SDK v2, in both directions, and a binary frame arrives binary', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const onA = await a.connect();
    const onB = await b.connect();
    await v2(b).postToConnection({ ConnectionId: onA.connectionId, Data: 'to a' }).promise();
    await v2(a).postToConnection({ ConnectionId: onB.connectionId, Data: Buffer.from([0xff, 0x00, 0xfe]) }).promise();
    expect(await onA.client.nextMessage()).toBe('to a');
    const frame = await onB.client.nextFrame();
    expect(frame.isBinary).toBe(true);
    expect([...frame.data]).toEqual([0xff, 0x00, 0xfe]);
    const info = await v2(b).getConnection({ ConnectionId: onA.connectionId }).promise();
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    await v2(b).deleteConnection({ ConnectionId: onA.connectionId }).promise();
    expect((await onA.client.closed).code).toBe(1000);
    const gone = await v2(b).getConnection({ ConnectionId: onA.connectionId }).promise().catch((err: { code: string; statusCode: number }) => err);
    expect(gone).toMatchObject({ code: 'GoneException', statusCode: 410 });
  });

  it("answers 410 for an unknown id and 413 for an oversized post before reaching the owner", async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const onB = await b.connect();
    await expect(v3(a).send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=', Data: Buffer.from('x') }))).rejects.toBeInstanceOf(GoneException);
    await expect(v3(a).send(new PostToConnectionCommand({ ConnectionId: onB.connectionId, Data: Buffer.alloc(128 * 1024 + 1, 0x61) }))).rejects.toBeInstanceOf(PayloadTooLargeException);
    // The largest post allowed crosses whole.
    await v3(a).send(new PostToConnectionCommand({ ConnectionId: onB.connectionId, Data: Buffer.alloc(128 * 1024, 0x62) }));
    expect((await onB.client.nextMessage()).length).toBe(128 * 1024);
  });

  it('soak: three nodes post to each other at once, with no frame lost, duplicated or reordered', async () => {
    const trio = [await startNode('node-1'), await startNode('node-2'), await startNode('node-3')];
    const clients = await Promise.all(trio.map((node) => node.connect()));
    const perPair = 300;
    // Each caller posts to both other nodes' clients; a caller's posts to one connection follow each other (a
    // handler looping with await), while all six streams run at the same time.
    await Promise.all(
      trio.flatMap((caller, from) =>
        clients.map(async (target, to) => {
          if (to === from) return;
          const sdk = v3(caller);
          for (let n = 0; n < perPair; n++) await sdk.send(new PostToConnectionCommand({ ConnectionId: target.connectionId, Data: Buffer.from(`${from}:${n}`) }));
        }),
      ),
    );
    for (const [to, { client }] of clients.entries()) {
      const bySender = new Map<string, number[]>();
      for (let n = 0; n < 2 * perPair; n++) {
        const [from, seq] = (await client.nextMessage()).split(':');
        bySender.set(from!, [...(bySender.get(from!) ?? []), Number(seq)]);
      }
      const expected = Array.from({ length: perPair }, (_, n) => n);
      for (const from of ['0', '1', '2'].filter((id) => id !== String(to))) expect(bySender.get(from)).toEqual(expected);
    }
    // Nothing more arrives: the next frame is the one sent now.
    clients[0]!.client.ws.send('last');
    expect(await clients[0]!.client.nextMessage()).toBe('last');
  });

  it('a node that stops cleanly removes its entries at once: its connections answer 410 from the others', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const onB = await b.connect();
    await b.close();
    nodes.splice(nodes.indexOf(b), 1);
    expect((await onB.client.closed).code).toBe(1001);
    await expect(v3(a).send(new GetConnectionCommand({ ConnectionId: onB.connectionId }))).rejects.toBeInstanceOf(GoneException);
  });
});
