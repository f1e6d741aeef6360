import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchWriteItemCommand, DescribeTimeToLiveCommand, GetItemCommand, TransactWriteItemsCommand, DeleteItemCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../src/dynamodb/embedded-endpoint.js';
import type { TableDefinition } from '../../src/dynamodb/table-definitions.js';
import { streamArn, tableArn } from '../../src/dynamodb/table-identity.js';

const region = 'eu-west-1';
const account = '123456789012';

function table(name: string, viewType?: TableDefinition['streamViewType']): TableDefinition {
  return {
    logicalId: name,
    name,
    arn: tableArn(name, region, account),
    streamArn: streamArn(name, region, account),
    streamViewType: viewType,
    keyAttributes: ['pk', 'sk'],
    createTableInput: {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    },
    configPath: `resources.Resources.${name}`,
  };
}

const tables = [{ ...table('Streamed', 'NEW_AND_OLD_IMAGES'), ttlAttribute: 'expiresAt' }, table('KeysOnly', 'KEYS_ONLY'), table('Plain')];
let dataDir: string;
let endpoint: EmbeddedEndpoint;
let client: DynamoDBClient;

const start = async (reset = false) => {
  endpoint = await startEmbeddedEndpoint({ dataDir, reset, port: 0, region, accountId: account, ttlSweepIntervalMs: 0 });
  await endpoint.applyTables(tables);
  client = new DynamoDBClient({ endpoint: endpoint.url, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
};
const stop = async () => {
  client.destroy();
  await endpoint.close();
};
const recordsOf = (name: string, from = 0) => endpoint.streamOf(name)!.read(from, 1000).records.map((entry) => entry.record);

beforeAll(async () => {
  dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'wsgate-dynamodb-')), 'store');
  await start();
});
afterAll(async () => {
  await stop();
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

describe('the embedded endpoint with the SDK v3 clients', () => {
  it('creates the tables with their ARNs in this account and region, and answers DescribeTable with the stream', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'Streamed' }));
    expect(Table).toMatchObject({ TableStatus: 'ACTIVE', TableArn: `arn:aws:dynamodb:${region}:${account}:table/Streamed`, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' }, LatestStreamArn: streamArn('Streamed', region, account) });
    expect((await client.send(new DescribeTableCommand({ TableName: 'Plain' }))).Table).not.toHaveProperty('LatestStreamArn');
  });

  it('refuses a table DynamoDB would refuse with an error naming its config path', async () => {
    await expect(endpoint.applyTables([...tables, { ...table('x'), name: 'x', createTableInput: { ...table('x').createTableInput, TableName: 'x' } }])).rejects.toMatchObject({
      code: 'DYNAMODB_INVALID_TABLE',
      path: 'resources.Resources.x.Properties',
      message: expect.stringContaining('TableName must be at least 3 characters long'),
    });
  });

  it('stores and queries items through the document client', async () => {
    const documents = DynamoDBDocumentClient.from(client);
    await documents.send(new PutCommand({ TableName: 'Plain', Item: { pk: 'room', sk: 1, text: 'hi', tags: new Set(['a']) } }));
    await documents.send(new PutCommand({ TableName: 'Plain', Item: { pk: 'room', sk: 2, text: 'there' } }));
    expect((await documents.send(new GetCommand({ TableName: 'Plain', Key: { pk: 'room', sk: 1 } }))).Item).toEqual({ pk: 'room', sk: 1, text: 'hi', tags: new Set(['a']) });
    const { Items } = await documents.send(new QueryCommand({ TableName: 'Plain', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'room' }, ScanIndexForward: false }));
    expect(Items!.map((item) => item.sk)).toEqual([2, 1]);
  });
});

describe('streams derived from the writes', () => {
  it('gives INSERT, MODIFY and REMOVE records shaped as DynamoDB Streams sends them, binary as base64', async () => {
    const from = endpoint.streamOf('Streamed')!.end;
    const key = { pk: { S: 'user#1' }, sk: { N: '1' } };
    await client.send(new PutItemCommand({ TableName: 'Streamed', Item: { ...key, name: { S: 'ann' }, avatar: { B: Uint8Array.from([0, 1, 254, 255]) } } }));
    await client.send(new UpdateItemCommand({ TableName: 'Streamed', Key: key, UpdateExpression: 'SET #n = :n', ExpressionAttributeNames: { '#n': 'name' }, ExpressionAttributeValues: { ':n': { S: 'anna' } } }));
    await client.send(new DeleteItemCommand({ TableName: 'Streamed', Key: key }));
    const [insert, modify, remove, ...more] = recordsOf('Streamed', from);
    expect(more).toEqual([]);
    const arn = streamArn('Streamed', region, account);
    const image = { pk: { S: 'user#1' }, sk: { N: '1' }, name: { S: 'ann' }, avatar: { B: 'AAH+/w==' } };
    expect(insert).toEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: key,
        NewImage: image,
        SequenceNumber: expect.stringMatching(/^\d{21,40}$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: arn,
    });
    expect(Math.abs(insert!.dynamodb.ApproximateCreationDateTime - Date.now() / 1000)).toBeLessThan(60);
    expect(modify).toMatchObject({ eventName: 'MODIFY', dynamodb: { Keys: key, OldImage: image, NewImage: { ...image, name: { S: 'anna' } } } });
    expect(remove).toMatchObject({ eventName: 'REMOVE', dynamodb: { Keys: key, OldImage: { ...image, name: { S: 'anna' } } } });
    expect(remove!.dynamodb).not.toHaveProperty('NewImage');
    const sequence = [insert, modify, remove].map((record) => BigInt(record!.dynamodb.SequenceNumber));
    expect(sequence[0]! < sequence[1]! && sequence[1]! < sequence[2]!).toBe(true);
    // The JSON a handler receives carries the binary attribute as base64 text.
    expect(JSON.parse(JSON.stringify(insert)).dynamodb.NewImage.avatar).toEqual({ B: 'AAH+/w==' });
  });

  it('writes no record for a write that changes nothing, nor for a refused one, and only keys for KEYS_ONLY', async () => {
    const item = { pk: { S: 'same' }, sk: { N: '1' }, v: { N: '1' } };
    await client.send(new PutItemCommand({ TableName: 'Streamed', Item: item }));
    const from = endpoint.streamOf('Streamed')!.end;
    await client.send(new PutItemCommand({ TableName: 'Streamed', Item: item }));
    await client.send(new DeleteItemCommand({ TableName: 'Streamed', Key: { pk: { S: 'never' }, sk: { N: '1' } } }));
    await expect(client.send(new PutItemCommand({ TableName: 'Streamed', Item: { ...item, v: { N: '2' } }, ConditionExpression: 'attribute_not_exists(pk)' }))).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(recordsOf('Streamed', from)).toEqual([]);

    await client.send(new PutItemCommand({ TableName: 'KeysOnly', Item: { pk: { S: 'k' }, sk: { N: '7' }, secret: { S: 'x' } } }));
    const [keysOnly] = recordsOf('KeysOnly');
    expect(keysOnly!.dynamodb).toEqual({ ApproximateCreationDateTime: expect.any(Number), Keys: { pk: { S: 'k' }, sk: { N: '7' } }, SequenceNumber: expect.any(String), SizeBytes: expect.any(Number), StreamViewType: 'KEYS_ONLY' });
  });

  it('records each item of a BatchWriteItem, and keeps the order of concurrent writes to one key', async () => {
    const from = endpoint.streamOf('Streamed')!.end;
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          Streamed: [{ PutRequest: { Item: { pk: { S: 'b' }, sk: { N: '1' } } } }, { PutRequest: { Item: { pk: { S: 'b' }, sk: { N: '2' } } } }],
          Plain: [{ PutRequest: { Item: { pk: { S: 'b' }, sk: { N: '1' } } } }],
        },
      }),
    );
    expect(recordsOf('Streamed', from).map((record) => [record.eventName, record.dynamodb.Keys.sk])).toEqual([
      ['INSERT', { N: '1' }],
      ['INSERT', { N: '2' }],
    ]);
    const counterFrom = endpoint.streamOf('Streamed')!.end;
    const key = { pk: { S: 'counter' }, sk: { N: '0' } };
    await Promise.all(
      Array.from({ length: 20 }, () => client.send(new UpdateItemCommand({ TableName: 'Streamed', Key: key, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }))),
    );
    const records = recordsOf('Streamed', counterFrom);
    // Exactly one record per acknowledged write, each image the one before it plus one.
    expect(records.map((record) => record.dynamodb.NewImage!.n)).toEqual(Array.from({ length: 20 }, (_, i) => ({ N: String(i + 1) })));
    expect(records.map((record) => record.dynamodb.OldImage?.n)).toEqual([undefined, ...Array.from({ length: 19 }, (_, i) => ({ N: String(i + 1) }))]);
  });

  it('applies TransactWriteItems all or nothing, with DynamoDB\'s cancellation reasons, and streams what it wrote', async () => {
    const from = endpoint.streamOf('Streamed')!.end;
    const a = { pk: { S: 'tx' }, sk: { N: '1' } };
    const b = { pk: { S: 'tx' }, sk: { N: '2' } };
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'Streamed', Item: { ...a, v: { N: '1' } } } }, { Put: { TableName: 'Plain', Item: { ...b, v: { N: '1' } } } }] }));
    const refused = client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Update: { TableName: 'Streamed', Key: a, UpdateExpression: 'SET v = :two', ExpressionAttributeValues: { ':two': { N: '2' } } } },
          { ConditionCheck: { TableName: 'Plain', Key: b, ConditionExpression: 'v = :nine', ExpressionAttributeValues: { ':nine': { N: '9' } } } },
        ],
      }),
    );
    await expect(refused).rejects.toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
    expect((await client.send(new GetItemCommand({ TableName: 'Streamed', Key: a }))).Item!.v).toEqual({ N: '1' });
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { TableName: 'Plain', Key: { pk: { S: 'tx' }, sk: { N: '3' } }, ConditionExpression: 'attribute_not_exists(pk)' } }, { Delete: { TableName: 'Streamed', Key: a } }] }));
    expect((await client.send(new GetItemCommand({ TableName: 'Plain', Key: { pk: { S: 'tx' }, sk: { N: '3' } } }))).Item).toBeUndefined();
    expect(recordsOf('Streamed', from).map((record) => record.eventName)).toEqual(['INSERT', 'REMOVE']);
  });

  it('expires items past their TTL attribute with a REMOVE record from DynamoDB\'s service identity', async () => {
    expect((await client.send(new DescribeTimeToLiveCommand({ TableName: 'Streamed' }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const nowSeconds = Math.floor(Date.now() / 1000);
    await client.send(new PutItemCommand({ TableName: 'Streamed', Item: { pk: { S: 'ttl' }, sk: { N: '1' }, expiresAt: { N: String(nowSeconds - 10) } } }));
    await client.send(new PutItemCommand({ TableName: 'Streamed', Item: { pk: { S: 'ttl' }, sk: { N: '2' }, expiresAt: { N: String(nowSeconds + 3600) } } }));
    const from = endpoint.streamOf('Streamed')!.end;
    expect(await endpoint.sweepExpiredItems()).toBe(1);
    expect((await client.send(new GetItemCommand({ TableName: 'Streamed', Key: { pk: { S: 'ttl' }, sk: { N: '1' } } }))).Item).toBeUndefined();
    expect((await client.send(new GetItemCommand({ TableName: 'Streamed', Key: { pk: { S: 'ttl' }, sk: { N: '2' } } }))).Item).toBeDefined();
    expect(recordsOf('Streamed', from)).toEqual([
      expect.objectContaining({ eventName: 'REMOVE', userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }, dynamodb: expect.objectContaining({ Keys: { pk: { S: 'ttl' }, sk: { N: '1' } } }) }),
    ]);
  });

  it('keeps the items when the endpoint starts again on the same folder, and drops them with reset', async () => {
    await client.send(new PutItemCommand({ TableName: 'Plain', Item: { pk: { S: 'kept' }, sk: { N: '1' } } }));
    await stop();
    await start();
    const documents = DynamoDBDocumentClient.from(client);
    expect((await documents.send(new GetCommand({ TableName: 'Plain', Key: { pk: 'kept', sk: 1 } }))).Item).toEqual({ pk: 'kept', sk: 1 });
    await stop();
    await start(true);
    expect((await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: 'Plain', Key: { pk: 'kept', sk: 1 } }))).Item).toBeUndefined();
  });
});
