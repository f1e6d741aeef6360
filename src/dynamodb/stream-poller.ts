import type { InvokeResult } from '../runtime/invoker.js';
import { matchesAnyPattern } from './filter-patterns.js';
import type { DynamoStreamRecord } from './stream-record.js';
import type { TableStream } from './table-stream.js';

/** An event source mapping's settings, Lambda's defaults applied. */
export interface StreamMapping {
  /** Stable across config reloads, so the mapping resumes where it was. */
  id: string;
  functionKey: string;
  tableName: string;
  batchSize: number;
  batchWindowMs: number;
  startingPosition: 'LATEST' | 'TRIM_HORIZON' | 'AT_TIMESTAMP';
  startingPositionTimestampMs?: number;
  /** -1: until the record expires, Lambda's default. */
  maximumRetryAttempts: number;
  /** -1: no limit. */
  maximumRecordAgeMs: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  filterPatterns?: readonly unknown[];
}

export interface StreamPollerHooks {
  invoke(functionKey: string, event: unknown): Promise<InvokeResult>;
  /** One line per batch, failure, retry and skip. */
  log(line: string): void;
  /** The delay before the nth retry of a failed batch, ms. */
  retryDelayMs?: (retry: number) => number;
}

/** Lambda's retry pause is not documented; locally it doubles from half a second up to 10 s. */
export const defaultRetryDelayMs = (retry: number) => Math.min(10_000, 500 * 2 ** (retry - 1));

/**
 * Reads one table's stream for one function as Lambda's event source mapping does: batches in stream order, one
 * at a time, the next only after the previous one succeeded or was given up on. `checkpoints` keeps the position
 * after the last batch done, so a poller started again (after a config reload) neither repeats nor skips records.
 */
export class StreamPoller {
  private stopping = false;
  private cancelWait: () => void = () => {};
  private readonly done: Promise<void>;

  constructor(
    private readonly mapping: StreamMapping,
    private readonly stream: TableStream,
    private readonly checkpoints: Map<string, number>,
    private readonly hooks: StreamPollerHooks,
  ) {
    if (!checkpoints.has(mapping.id)) checkpoints.set(mapping.id, this.startingPosition());
    this.done = this.run();
  }

  /** Stops after the invocation under way; a batch not yet done is read again by the next poller. */
  stop(): Promise<void> {
    this.stopping = true;
    this.cancelWait();
    return this.done;
  }

  private startingPosition(): number {
    if (this.mapping.startingPosition === 'TRIM_HORIZON') return this.stream.start;
    if (this.mapping.startingPosition === 'AT_TIMESTAMP') return this.stream.positionAt(this.mapping.startingPositionTimestampMs ?? 0);
    return this.stream.end;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const position = this.checkpoints.get(this.mapping.id)!;
      const wait = this.stream.waitFor(position);
      this.cancelWait = wait.cancel;
      await wait.ready;
      if (this.stopping) return;
      if (this.mapping.batchWindowMs > 0 && this.stream.end - position < this.mapping.batchSize) await this.pause(this.mapping.batchWindowMs, () => this.stream.end - position >= this.mapping.batchSize);
      if (this.stopping) return;
      const { records, from } = this.stream.read(position, this.mapping.batchSize);
      const now = Date.now();
      const selected = records
        .filter((entry) => this.mapping.maximumRecordAgeMs < 0 || now - entry.atMs <= this.mapping.maximumRecordAgeMs)
        .map((entry) => entry.record)
        .filter((record) => !this.mapping.filterPatterns || matchesAnyPattern(record, this.mapping.filterPatterns));
      if (selected.length > 0 && !(await this.deliver(selected))) return;
      this.checkpoints.set(this.mapping.id, from + records.length);
    }
  }

  /** Delivers a batch until it succeeds or is given up on; false when stopped before that. */
  private async deliver(records: DynamoStreamRecord[]): Promise<boolean> {
    const pending = [records];
    while (pending.length > 0) {
      let batch = pending.shift()!;
      for (let retries = 0; ; ) {
        const outcome = await this.invokeBatch(batch);
        if (outcome.ok) break;
        if (this.mapping.bisectBatchOnFunctionError && batch.length > 1 && outcome.failedFrom === 0) {
          const half = Math.ceil(batch.length / 2);
          pending.unshift(batch.slice(0, half), batch.slice(half));
          this.hooks.log(`${this.label()} splitting the failed batch of ${batch.length} records in two (bisectBatchOnFunctionError)`);
          break;
        }
        batch = batch.slice(outcome.failedFrom);
        if (this.mapping.maximumRetryAttempts >= 0 && retries >= this.mapping.maximumRetryAttempts) {
          this.hooks.log(`${this.label()} skipped ${batch.length} record(s) after ${retries + 1} attempt(s) (maximumRetryAttempts: ${this.mapping.maximumRetryAttempts}), sequence numbers ${firstAndLast(batch)}`);
          break;
        }
        retries++;
        await this.pause((this.hooks.retryDelayMs ?? defaultRetryDelayMs)(retries), () => false);
        if (this.stopping) return false;
        this.hooks.log(`${this.label()} retry ${retries} of ${batch.length} record(s)`);
      }
    }
    return true;
  }

  /** Invokes the function; `failedFrom` is where the retry starts (the first item it reported as failed, or 0). */
  private async invokeBatch(batch: DynamoStreamRecord[]): Promise<{ ok: true } | { ok: false; failedFrom: number }> {
    const result = await this.hooks.invoke(this.mapping.functionKey, { Records: batch });
    if (!result.ok) {
      this.hooks.log(`${this.label()} ${batch.length} record(s) failed: ${result.error.errorType}: ${result.error.errorMessage}`);
      return { ok: false, failedFrom: 0 };
    }
    const failedFrom = this.mapping.reportBatchItemFailures ? firstFailedItem(result.value, batch) : -1;
    if (failedFrom >= 0) {
      this.hooks.log(`${this.label()} ${batch.length - failedFrom} of ${batch.length} record(s) reported failed (batchItemFailures)`);
      return { ok: false, failedFrom };
    }
    this.hooks.log(`${this.label()} ${batch.length} record(s) OK (${Math.round(result.durationMs)} ms)`);
    return { ok: true };
  }

  private pause(ms: number, enough: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      // A batch window ends early once the batch is full: checked as records arrive, cheaply.
      const check = setInterval(() => enough() && finish(), Math.min(ms, 50));
      this.cancelWait = finish;
    });
  }

  private label(): string {
    return `stream ${this.mapping.tableName} → ${this.mapping.functionKey}:`;
  }
}

/**
 * With ReportBatchItemFailures, Lambda retries from the failed item with the lowest sequence number; an empty list
 * is success, and an identifier that is not in the batch fails the whole batch.
 */
function firstFailedItem(value: unknown, batch: DynamoStreamRecord[]): number {
  const failures = typeof value === 'object' && value !== null ? (value as { batchItemFailures?: unknown }).batchItemFailures : undefined;
  if (!Array.isArray(failures) || failures.length === 0) return -1;
  let first = batch.length;
  for (const failure of failures) {
    const id = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    const index = batch.findIndex((record) => record.dynamodb.SequenceNumber === id);
    if (index === -1) return 0;
    first = Math.min(first, index);
  }
  return first;
}

function firstAndLast(batch: DynamoStreamRecord[]): string {
  const first = batch[0]!.dynamodb.SequenceNumber;
  const last = batch.at(-1)!.dynamodb.SequenceNumber;
  return first === last ? first : `${first}-${last}`;
}
