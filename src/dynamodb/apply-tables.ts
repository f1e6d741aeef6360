import { isDeepStrictEqual } from 'node:util';
import { WsgateError } from '../errors.js';
import type { DynamoHttp } from './dynamodb-http.js';
import type { TableDefinition } from './table-definitions.js';

interface DescribedTable {
  TableStatus?: string;
  KeySchema?: unknown[];
  GlobalSecondaryIndexes?: { IndexName: string; KeySchema: unknown[] }[];
  LocalSecondaryIndexes?: { IndexName: string; KeySchema: unknown[] }[];
}

/**
 * Brings the store in line with the service's tables: a missing table is created; one whose key or indexes
 * changed is replaced (its items are dropped, as CloudFormation replaces a table whose key changes); the rest keep
 * their items. Tables the service no longer declares are left as they are.
 */
export async function applyTables(store: DynamoHttp, tables: readonly TableDefinition[]): Promise<string[]> {
  const existing = new Set(await listTables(store));
  const notes: string[] = [];
  for (const table of tables) {
    if (existing.has(table.name)) {
      const { Table: current } = await store.call<{ Table: DescribedTable }>('DescribeTable', { TableName: table.name });
      if (sameShape(current, table.createTableInput)) continue;
      await store.call('DeleteTable', { TableName: table.name });
      await waitUntilGone(store, table.name);
      notes.push(`table ${table.name} (${table.logicalId}) replaced: its key or indexes changed, so its items were dropped`);
    } else {
      notes.push(`table ${table.name} (${table.logicalId}) created`);
    }
    await store.call('CreateTable', table.createTableInput).catch((err: Error & { type?: string }) => {
      // Both come from the table's own properties: a value DynamoDB refuses, or one of the wrong type.
      if (err.type !== 'ValidationException' && err.type !== 'SerializationException') throw err;
      throw new WsgateError({
        code: 'DYNAMODB_INVALID_TABLE',
        message: `table ${table.logicalId} cannot be created: ${err.message.replace(/^CreateTable: \w+: /, '')}`,
        path: `${table.configPath}.Properties`,
        hint: 'Fix the table\'s properties as DynamoDB requires them (CloudFormation would refuse them too).',
        cause: err,
      });
    });
    await waitUntilActive(store, table.name);
  }
  return notes;
}

async function listTables(store: DynamoHttp): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await store.call<{ TableNames: string[]; LastEvaluatedTableName?: string }>('ListTables', start ? { ExclusiveStartTableName: start } : {});
    names.push(...page.TableNames);
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}

function sameShape(current: DescribedTable, wanted: Record<string, unknown>): boolean {
  const indexes = (list: { IndexName: string; KeySchema: unknown[] }[] | undefined) =>
    (list ?? []).map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema })).sort((a, b) => a.IndexName.localeCompare(b.IndexName));
  return (
    isDeepStrictEqual(current.KeySchema, wanted.KeySchema) &&
    isDeepStrictEqual(indexes(current.GlobalSecondaryIndexes), indexes(wanted.GlobalSecondaryIndexes as never)) &&
    isDeepStrictEqual(indexes(current.LocalSecondaryIndexes), indexes(wanted.LocalSecondaryIndexes as never))
  );
}

// dynalite runs with createTableMs/deleteTableMs 0: a table changes state within the same turn of its event loop.
async function waitUntilActive(store: DynamoHttp, name: string): Promise<void> {
  for (;;) {
    const { Table } = await store.call<{ Table: DescribedTable }>('DescribeTable', { TableName: name });
    if (Table.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function waitUntilGone(store: DynamoHttp, name: string): Promise<void> {
  for (;;) {
    try {
      await store.call('DescribeTable', { TableName: name });
    } catch (err) {
      if ((err as { type?: string }).type === 'ResourceNotFoundException') return;
      throw err;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
