import type { DynamoHttp } from './dynamodb-http.js';
import type { AttributeMap } from './stream-record.js';
import type { TableDefinition } from './table-definitions.js';
import type { WriteCapture } from './write-capture.js';

/** How often expired items are looked for. DynamoDB promises deletion within days, not a time; locally, every 30 s. */
export const TTL_SWEEP_INTERVAL_MS = 30_000;

/**
 * The store does not expire items; this deletes those whose TTL attribute (epoch seconds) has passed, as DynamoDB
 * does: a REMOVE record with DynamoDB's service identity on a streamed table, and an item whose TTL was moved
 * forward meanwhile is kept (the delete is conditional).
 */
export async function sweepExpiredItems(store: DynamoHttp, capture: WriteCapture, tables: readonly TableDefinition[], nowMs: number = Date.now()): Promise<number> {
  let deleted = 0;
  const now = { N: String(Math.floor(nowMs / 1000)) };
  for (const table of tables) {
    if (!table.ttlAttribute) continue;
    const names = { '#ttl': table.ttlAttribute };
    let start: unknown;
    do {
      const page = await store.call<{ Items: AttributeMap[]; LastEvaluatedKey?: unknown }>('Scan', {
        TableName: table.name,
        FilterExpression: '#ttl < :now',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':now': now },
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      for (const item of page.Items) {
        const key = Object.fromEntries(table.keyAttributes.map((name) => [name, item[name]!]));
        const streamed = capture.streamed(table.name);
        const removed = await capture.withLocks([table.name], async () => {
          const answer = await store
            .call<{ Attributes?: AttributeMap }>('DeleteItem', { TableName: table.name, Key: key, ConditionExpression: '#ttl < :now', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':now': now }, ReturnValues: 'ALL_OLD' })
            .catch(() => undefined);
          if (answer?.Attributes && streamed) capture.record(streamed, answer.Attributes, undefined, true);
          return answer?.Attributes !== undefined;
        });
        if (removed) deleted++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return deleted;
}
