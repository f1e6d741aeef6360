import type { DynamoStreamRecord } from './stream-record.js';

/** How long records stay readable, as DynamoDB Streams keeps them. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * The records of one table's stream, in the order its writes were acknowledged (one shard: every record of a
 * key is in order). Positions are absolute indexes, so readers survive trimming and config reloads.
 */
export class TableStream {
  private records: { record: DynamoStreamRecord; atMs: number }[] = [];
  private firstIndex = 0;
  private waiters: (() => void)[] = [];

  get start(): number {
    return this.firstIndex;
  }

  get end(): number {
    return this.firstIndex + this.records.length;
  }

  append(record: DynamoStreamRecord, atMs: number = Date.now()): void {
    this.records.push({ record, atMs });
    this.trim(atMs);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Records from `position` (clamped to what is retained), at most `limit`. */
  read(position: number, limit: number): { records: { record: DynamoStreamRecord; atMs: number }[]; from: number } {
    const from = Math.max(position, this.firstIndex);
    return { records: this.records.slice(from - this.firstIndex, from - this.firstIndex + limit), from };
  }

  /** The first position whose record was written at or after `timeMs`. */
  positionAt(timeMs: number): number {
    const index = this.records.findIndex((entry) => entry.atMs >= timeMs);
    return index === -1 ? this.end : this.firstIndex + index;
  }

  /** Resolves once there is a record at `position` or later, or when `cancel` is called. */
  waitFor(position: number): { ready: Promise<void>; cancel: () => void } {
    if (this.end > position) return { ready: Promise.resolve(), cancel: () => {} };
    let wake!: () => void;
    const ready = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.push(wake);
    return { ready, cancel: wake };
  }

  private trim(nowMs: number): void {
    let drop = 0;
    while (drop < this.records.length && nowMs - this.records[drop]!.atMs > STREAM_RETENTION_MS) drop++;
    if (drop === 0) return;
    this.records = this.records.slice(drop);
    this.firstIndex += drop;
  }
}
