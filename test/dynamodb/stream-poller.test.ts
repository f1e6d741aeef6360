import { describe, expect, it } from 'vitest';
import type { InvokeResult } from '../../src/runtime/invoker.js';
import { StreamPoller, type StreamMapping } from '../../src/dynamodb/stream-poller.js';
import { buildStreamRecord, createSequenceNumbers, type DynamoStreamRecord } from '../../src/dynamodb/stream-record.js';
import { TableStream } from '../../src/dynamodb/table-stream.js';

const next = createSequenceNumbers();
function append(stream: TableStream, ids: number[]): void {
  for (const id of ids) {
    stream.append(buildStreamRecord({ keyAttributes: ['id'], newImage: { id: { N: String(id) } } }, { viewType: 'NEW_IMAGE', arn: 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x', region: 'us-east-1' }, next(), Date.now())!);
  }
}
const idsOf = (event: unknown) => (event as { Records: DynamoStreamRecord[] }).Records.map((record) => Number(record.dynamodb.Keys.id!.N));
const mapping = (overrides: Partial<StreamMapping>): StreamMapping => ({
  id: `m${Math.random()}`,
  functionKey: 'f',
  tableName: 't',
  batchSize: 100,
  batchWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: false,
  ...overrides,
});
const ok = (value?: unknown): InvokeResult => ({ ok: true, value, durationMs: 1 });
const failed: InvokeResult = { ok: false, kind: 'error', error: { errorType: 'Error', errorMessage: 'boom' }, durationMs: 1 };

/** Runs a poller over `ids` until `done(batches)` holds; answers the batches it delivered. */
async function poll(settings: Partial<StreamMapping>, ids: number[], answer: (batch: number[], calls: number, records: DynamoStreamRecord[]) => InvokeResult, done: (batches: number[][]) => boolean) {
  const stream = new TableStream();
  append(stream, ids);
  const batches: number[][] = [];
  const log: string[] = [];
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const checkpoints = new Map<string, number>();
  const poller = new StreamPoller(mapping(settings), stream, checkpoints, {
    invoke: async (_fn, event) => {
      batches.push(idsOf(event));
      const result = answer(idsOf(event), batches.length, (event as { Records: DynamoStreamRecord[] }).Records);
      if (done(batches)) queueMicrotask(finished);
      return result;
    },
    log: (line) => log.push(line),
    retryDelayMs: () => 1,
  });
  await allDone;
  await poller.stop();
  return { batches, log, checkpoint: [...checkpoints.values()][0] };
}

describe('stream event source mapping', () => {
  it('delivers batches of batchSize in stream order', async () => {
    const { batches } = await poll({ batchSize: 2 }, [1, 2, 3, 4, 5], () => ok(), (b) => b.flat().length === 5);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('retries a failing batch maximumRetryAttempts times, then skips it and goes on', async () => {
    const { batches, log } = await poll({ batchSize: 2, maximumRetryAttempts: 2 }, [1, 2, 3], (batch) => (batch.includes(1) ? failed : ok()), (b) => b.some((batch) => batch.includes(3)));
    expect(batches).toEqual([[1, 2], [1, 2], [1, 2], [3]]);
    expect(log.some((line) => /skipped 2 record\(s\) after 3 attempt\(s\)/.test(line))).toBe(true);
  });

  it('splits a failing batch in two with bisectBatchOnFunctionError', async () => {
    const { batches } = await poll({ maximumRetryAttempts: 0, bisectBatchOnFunctionError: true }, [1, 2, 3, 4], (batch) => (batch.includes(3) ? failed : ok()), (b) => b.length === 5);
    expect(batches).toEqual([[1, 2, 3, 4], [1, 2], [3, 4], [3], [4]]);
  });

  it('retries from the first failed item with ReportBatchItemFailures; an unknown identifier fails the whole batch', async () => {
    const failAt = (records: DynamoStreamRecord[], ...ids: number[]) => ({
      batchItemFailures: records.filter((record) => ids.includes(Number(record.dynamodb.Keys.id!.N))).map((record) => ({ itemIdentifier: record.dynamodb.SequenceNumber })),
    });
    const partial = await poll({ reportBatchItemFailures: true }, [1, 2, 3, 4], (_batch, calls, records) => ok(calls === 1 ? failAt(records, 4, 3) : { batchItemFailures: [] }), (b) => b.length === 2);
    expect(partial.batches).toEqual([[1, 2, 3, 4], [3, 4]]);
    const unknown = await poll({ reportBatchItemFailures: true }, [1, 2], (_batch, calls) => ok(calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : {}), (b) => b.length === 2);
    expect(unknown.batches).toEqual([[1, 2], [1, 2]]);
  });

  it('drops records no filter pattern matches, without invoking for them', async () => {
    const { batches } = await poll({ filterPatterns: [{ dynamodb: { Keys: { id: { N: ['2', '4'] } } } }] }, [1, 2, 3, 4], () => ok(), (b) => b.flat().length === 2);
    expect(batches).toEqual([[2, 4]]);
  });
});
