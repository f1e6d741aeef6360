import type { DynamoHttp, DynamoResponse } from './dynamodb-http.js';
import type { AttributeMap } from './stream-record.js';
import type { WriteCapture } from './write-capture.js';

type Action = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
interface Step {
  action: Action;
  table: string;
  input: Record<string, unknown>;
  key: AttributeMap;
  oldImage?: AttributeMap;
  applied: boolean;
}

const ACTIONS: readonly Action[] = ['Put', 'Update', 'Delete', 'ConditionCheck'];

/**
 * `TransactWriteItems`, which the store lacks, from the operations it has: under the locks of every table involved,
 * each item's image is read, the writes are applied one by one (a `ConditionCheck` as an `UpdateItem` that only
 * checks), and when one is refused the ones before are undone from their images and the transaction is cancelled
 * with DynamoDB's reasons. Readers may see a transaction half applied; other writers through the endpoint do not.
 */
export async function transactWrite(store: DynamoHttp, capture: WriteCapture, input: Record<string, unknown>): Promise<DynamoResponse> {
  const items = Array.isArray(input.TransactItems) ? (input.TransactItems as Record<string, Record<string, unknown>>[]) : [];
  const steps: Step[] = [];
  for (const item of items) {
    const action = ACTIONS.find((name) => item[name] !== undefined);
    if (!action) return answer(400, { __type: 'com.amazon.coral.validate#ValidationException', message: 'A TransactItem must have one of Put, Update, Delete or ConditionCheck' });
    const body = item[action]!;
    const table = String(body.TableName);
    const key = action === 'Put' ? await keyOf(store, table, body.Item as AttributeMap) : (body.Key as AttributeMap);
    steps.push({ action, table, input: body, key, applied: false });
  }
  return capture.withLocks([...new Set(steps.map((step) => step.table))].sort(), async () => {
    for (const step of steps) step.oldImage = (await store.call<{ Item?: AttributeMap }>('GetItem', { TableName: step.table, Key: step.key, ConsistentRead: true })).Item;
    for (const [index, step] of steps.entries()) {
      const operation = step.action === 'Put' ? 'PutItem' : step.action === 'Delete' ? 'DeleteItem' : 'UpdateItem';
      const { TableName, Item, Key, UpdateExpression, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = step.input;
      const request = { TableName, ...(Item ? { Item } : { Key }), ...(step.action === 'Update' ? { UpdateExpression } : {}), ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues };
      try {
        await store.call(operation, JSON.parse(JSON.stringify(request)));
        step.applied = true;
      } catch (err) {
        await undo(store, steps.slice(0, index + 1));
        const failed = (err as { type?: string }).type === 'ConditionalCheckFailedException';
        if (!failed) return answer(400, { __type: `com.amazonaws.dynamodb.v20120810#${(err as { type?: string }).type ?? 'ValidationException'}`, message: (err as Error).message.replace(/^\w+: \w+: /, '') });
        const reasons = steps.map((_, i) => (i === index ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' } : { Code: 'None' }));
        return answer(400, {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
          CancellationReasons: reasons,
        });
      }
    }
    // A ConditionCheck only checks: the item it may have created, or touched, is put back.
    await undo(store, steps.filter((step) => step.action === 'ConditionCheck'));
    for (const step of steps) {
      const table = capture.streamed(step.table);
      if (!table || step.action === 'ConditionCheck') continue;
      const newImage = step.action === 'Delete' ? undefined : (await store.call<{ Item?: AttributeMap }>('GetItem', { TableName: step.table, Key: step.key, ConsistentRead: true })).Item;
      capture.record(table, step.oldImage, newImage);
    }
    return answer(200, {});
  });
}

async function undo(store: DynamoHttp, steps: Step[]): Promise<void> {
  for (const step of [...steps].reverse()) {
    if (!step.applied) continue;
    if (step.oldImage) await store.call('PutItem', { TableName: step.table, Item: step.oldImage });
    else await store.call('DeleteItem', { TableName: step.table, Key: step.key });
  }
}

const keySchemas = new WeakMap<DynamoHttp, Map<string, string[]>>();
async function keyOf(store: DynamoHttp, table: string, item: AttributeMap): Promise<AttributeMap> {
  let cache = keySchemas.get(store);
  if (!cache) keySchemas.set(store, (cache = new Map()));
  let names = cache.get(table);
  if (!names) {
    const { Table } = await store.call<{ Table: { KeySchema: { AttributeName: string }[] } }>('DescribeTable', { TableName: table });
    cache.set(table, (names = Table.KeySchema.map((key) => key.AttributeName)));
  }
  return Object.fromEntries(names.filter((name) => item?.[name] !== undefined).map((name) => [name, item[name]!]));
}

function answer(status: number, body: unknown): DynamoResponse {
  const text = Buffer.from(JSON.stringify(body));
  return { status, headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(text.length) }, body: text };
}
