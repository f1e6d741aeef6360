import type { HandlerLogEntry } from '../runtime/node-invoker.js';
import type { RequestObserver, RequestRecord } from './logs/request-record.js';
import type { ManagementObserver, ManagementRecord } from './management-record.js';

export interface DevLog {
  observer: RequestObserver;
  onManagementRequest: ManagementObserver;
  onHandlerLog(entry: HandlerLogEntry): void;
}

const time = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 23);

/** The readable log of `wsgate dev`: one line per connect, message, disconnect and `@connections` call. */
export function createDevLog(write: (line: string) => void): DevLog {
  return {
    observer: (record) => {
      write(formatRequestLine(record));
      for (const frame of userStackFrames(record.integration?.trace)) write(`${' '.repeat(13)}${frame}`);
    },
    onManagementRequest: (record) => write(formatManagementLine(record)),
    onHandlerLog: (entry) => write(`${' '.repeat(13)}[${entry.functionKey}] ${entry.line}`),
  };
}

export function formatRequestLine(record: RequestRecord): string {
  const head = `${time(record.requestTimeEpoch)} ${record.eventType.padEnd(10)} ${record.connectionId} ${record.routeKey.padEnd(12)}`;
  const fn = record.functionKey ? ` → ${record.functionKey}` : '';
  return `${head} ${describeOutcome(record)}${fn} (${record.durationMs} ms)`;
}

function describeOutcome(record: RequestRecord): string {
  const failure = record.integration?.error ?? record.authorizer?.error;
  if (record.eventType === 'DISCONNECT') {
    const code = `${record.disconnectStatusCode}${record.disconnectReason ? ` "${record.disconnectReason}"` : ''}`;
    return record.error ? `${code}, $disconnect failed: ${failure ?? record.error.message}` : code;
  }
  if (record.eventType === 'CONNECT') {
    if (record.status >= 200 && record.status < 300) return `accepted ${record.status}`;
    return `refused ${record.status}${failure ? `: ${failure}` : record.error ? `: ${record.error.message}` : ''}`;
  }
  const outcome = record.error ? `${record.status} ${record.error.message}${failure ? ` (${failure})` : ''}` : `${record.status} ok`;
  return record.droppedFrame ? `${outcome}, frame dropped: the client is not reading (${record.droppedFrame.bufferedBytes} bytes waiting)` : outcome;
}

/** Runner frames that are wsgate's, not the handler's: a stack shows where the user's code failed. */
const RUNTIME_FRAME = /lambda-runner\.[cm]?[jt]s:|wsgate-lambda-runner-\w+\.mjs:|\(node:|^\s*at node:/

/** The `at …` lines of a handler's stack (the first line repeats the message the request line already shows). */
export function userStackFrames(trace: readonly string[] | undefined): string[] {
  if (!trace) return [];
  return trace.filter((line) => /^\s+at /.test(line) && !RUNTIME_FRAME.test(line)).map((line) => line.trim());
}

export function formatManagementLine(record: ManagementRecord): string {
  const id = record.connectionId ?? '-';
  const outcome = record.errorType ? `${record.status} ${record.errorType}` : String(record.status);
  const where = record.node ? `, answered by node ${record.node}` : record.forwardedFrom ? `, for a caller on node ${record.forwardedFrom}` : '';
  return `${time(record.time)} ${'@connections'.padEnd(10)} ${id} ${record.method.padEnd(12)} ${record.operation} ${outcome}${where} (${record.durationMs} ms)`;
}
