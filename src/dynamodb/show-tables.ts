import path from 'node:path';
import type { ServiceModel } from '../config/model.js';
import { WsgateError } from '../errors.js';
import { LOCAL_ACCOUNT_ID } from '../gateway/ids.js';
import { toPlainItem } from './attribute-values.js';
import { DynamoHttp } from './dynamodb-http.js';
import { startEmbeddedEndpoint } from './embedded-endpoint.js';
import { readEndpointFile } from './endpoint-file.js';
import { collectTables } from './table-definitions.js';

type Item = Record<string, Record<string, unknown>>;

/**
 * `wsgate tables [name]`: the service's tables with their item counts, or one table's items (one JSON line each).
 * Reads through the running `wsgate dev` when there is one, else opens the store itself.
 */
export async function showTables(model: ServiceModel, name: string | undefined, options: { raw: boolean; print: (line: string) => void }): Promise<void> {
  const tables = collectTables(model, LOCAL_ACCOUNT_ID);
  const table = name === undefined ? undefined : tables.find((candidate) => candidate.name === name || candidate.logicalId === name);
  if (name !== undefined && !table) {
    throw new WsgateError({
      code: 'DYNAMODB_UNKNOWN_TABLE',
      message: `The service has no DynamoDB table "${name}".`,
      path: 'resources.Resources',
      location: { file: model.configFile },
      hint: tables.length > 0 ? `Its tables: ${tables.map((t) => `${t.logicalId} (${t.name})`).join(', ')}.` : 'It declares no AWS::DynamoDB::Table resource.',
    });
  }
  const running = await readEndpointFile(model.serviceDir);
  const own = running ? undefined : await startEmbeddedEndpoint({ dataDir: path.join(model.serviceDir, '.wsgate', 'dynamodb'), port: 0, region: model.region, accountId: LOCAL_ACCOUNT_ID });
  const url = new URL(running ?? own!.url);
  const client = new DynamoHttp(Number(url.port));
  try {
    if (!table) {
      for (const each of tables) {
        const count = await scan(client, each.name, () => {}).catch(() => undefined);
        options.print(`${each.logicalId}  ${each.name}  ${count === undefined ? '(not created yet: run wsgate dev)' : `${count} item(s)`}`);
      }
      return;
    }
    await scan(client, table.name, (item) => options.print(JSON.stringify(options.raw ? item : toPlainItem(item)))).catch((err: { type?: string }) => {
      if (err.type !== 'ResourceNotFoundException') throw err;
      options.print(`(table ${table.name} is not created yet: run wsgate dev)`);
    });
  } finally {
    client.close();
    await own?.close();
  }
}

async function scan(client: DynamoHttp, tableName: string, onItem: (item: Item) => void): Promise<number> {
  let count = 0;
  let start: unknown;
  do {
    const page = await client.call<{ Items: Item[]; LastEvaluatedKey?: unknown }>('Scan', { TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) });
    for (const item of page.Items) onItem(item);
    count += page.Items.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}
