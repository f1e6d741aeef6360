import type { DynamoHttp, DynamoResponse } from './dynamodb-http.js';
import { buildStreamRecord, type AttributeMap } from './stream-record.js';
import type { TableDefinition } from './table-definitions.js';
import type { TableStream } from './table-stream.js';

export interface StreamedTable {
  definition: TableDefinition;
  stream: TableStream;
}

interface PendingChange {
  table: StreamedTable;
  key: AttributeMap;
  oldImage?: AttributeMap;
  /** Known without reading it back (a deleted item has none). */
  deleted: boolean;
}

/**
 * The store has no streams, so they are derived from the writes it acknowledges: under a lock per table, the
 * item's image is read before and after each write, and the record is appended before the writer hears back.
 * Every acknowledged write of a streamed table thus gives exactly one record, in the order writes were applied.
 */
export class WriteCapture {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly store: DynamoHttp,
    private readonly streamedTable: (name: string) => StreamedTable | undefined,
    private readonly nextSequenceNumber: () => string,
    private readonly region: string,
    private readonly onError: (message: string) => void,
  ) {}

  /** The streamed tables a request writes to; empty when it needs no capture. */
  tablesWritten(operation: string, input: Record<string, unknown>): StreamedTable[] {
    const names =
      operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem'
        ? [String(input.TableName)]
        : operation === 'BatchWriteItem' && isObject(input.RequestItems)
          ? Object.keys(input.RequestItems)
          : [];
    return [...new Set(names)].map((name) => this.streamedTable(name)).filter((table): table is StreamedTable => table !== undefined);
  }

  /** Runs the write `send` under the tables' locks, appending a stream record per item it changed. */
  async capture(operation: string, input: Record<string, unknown>, tables: StreamedTable[], send: () => Promise<DynamoResponse>): Promise<DynamoResponse> {
    return this.withLocks(
      tables.map((table) => table.definition.name).sort(),
      async () => {
        const changes = await this.readOldImages(this.changesOf(operation, input));
        const response = await send();
        if (response.status !== 200) return response;
        const unprocessed = operation === 'BatchWriteItem' ? unprocessedKeys(response, changes) : new Set<PendingChange>();
        for (const change of changes) {
          if (unprocessed.has(change)) continue;
          try {
            const newImage = change.deleted ? undefined : await this.getItem(change.table, change.key);
            const record = buildStreamRecord(
              { keyAttributes: change.table.definition.keyAttributes, oldImage: change.oldImage, newImage },
              { viewType: change.table.definition.streamViewType!, arn: change.table.definition.streamArn, region: this.region },
              this.nextSequenceNumber(),
              Date.now(),
            );
            if (record) change.table.stream.append(record);
          } catch (err) {
            this.onError(`the stream record of a write to ${change.table.definition.name} could not be made: ${(err as Error).message}`);
          }
        }
        return response;
      },
    );
  }

  private changesOf(operation: string, input: Record<string, unknown>): PendingChange[] {
    if (operation === 'BatchWriteItem') {
      const changes: PendingChange[] = [];
      for (const [name, requests] of Object.entries(input.RequestItems as Record<string, unknown>)) {
        const table = this.streamedTable(name);
        if (!table || !Array.isArray(requests)) continue;
        for (const request of requests) {
          if (!isObject(request)) continue;
          if (isObject(request.PutRequest)) changes.push(this.change(table, request.PutRequest.Item, false));
          else if (isObject(request.DeleteRequest)) changes.push({ table, key: request.DeleteRequest.Key as AttributeMap, deleted: true });
        }
      }
      return changes;
    }
    const table = this.streamedTable(String(input.TableName))!;
    if (operation === 'PutItem') return [this.change(table, input.Item, false)];
    return [{ table, key: input.Key as AttributeMap, deleted: operation === 'DeleteItem' }];
  }

  private change(table: StreamedTable, item: unknown, deleted: boolean): PendingChange {
    const key: AttributeMap = {};
    for (const name of table.definition.keyAttributes) {
      const value = isObject(item) ? item[name] : undefined;
      if (value !== undefined) key[name] = value as Record<string, unknown>;
    }
    return { table, key, deleted };
  }

  private async readOldImages(changes: PendingChange[]): Promise<PendingChange[]> {
    // A request the store will refuse (a key missing, a wrong type) fails this read too: the store's own answer to
    // the write is what the client gets, and no record is made.
    await Promise.all(
      changes.map(async (change) => {
        change.oldImage = await this.getItem(change.table, change.key).catch(() => undefined);
      }),
    );
    return changes;
  }

  /** Appends the record of one change to a streamed table (none when nothing changed). */
  record(table: StreamedTable, oldImage: AttributeMap | undefined, newImage: AttributeMap | undefined, expired = false): void {
    const record = buildStreamRecord(
      { keyAttributes: table.definition.keyAttributes, oldImage, newImage, expired },
      { viewType: table.definition.streamViewType!, arn: table.definition.streamArn, region: this.region },
      this.nextSequenceNumber(),
      Date.now(),
    );
    if (record) table.stream.append(record);
  }

  streamed(name: string): StreamedTable | undefined {
    return this.streamedTable(name);
  }

  private async getItem(table: StreamedTable, key: AttributeMap): Promise<AttributeMap | undefined> {
    const answer = await this.store.call<{ Item?: AttributeMap }>('GetItem', { TableName: table.definition.name, Key: key, ConsistentRead: true });
    return answer.Item;
  }

  /** Runs `work` once no other captured write holds any of these tables. */
  async withLocks<T>(names: string[], work: () => Promise<T>): Promise<T> {
    const previous = names.map((name) => this.locks.get(name) ?? Promise.resolve());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    for (const name of names) this.locks.set(name, held);
    await Promise.all(previous);
    try {
      return await work();
    } finally {
      for (const name of names) if (this.locks.get(name) === held) this.locks.delete(name);
      release();
    }
  }
}

/** The changes of a BatchWriteItem the store left unprocessed (it answers with their requests). */
function unprocessedKeys(response: DynamoResponse, changes: PendingChange[]): Set<PendingChange> {
  const skipped = new Set<PendingChange>();
  try {
    const answer = JSON.parse(response.body.toString('utf8')) as { UnprocessedItems?: Record<string, unknown[]> };
    for (const [name, requests] of Object.entries(answer.UnprocessedItems ?? {})) {
      for (const request of requests) {
        const text = JSON.stringify(request);
        for (const change of changes) {
          if (change.table.definition.name === name && Object.entries(change.key).every(([attribute, value]) => text.includes(JSON.stringify({ [attribute]: value }).slice(1, -1)))) skipped.add(change);
        }
      }
    }
  } catch {
    // An answer that is not JSON has no unprocessed items to name.
  }
  return skipped;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
