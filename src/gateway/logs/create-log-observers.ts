import { ensureWsgateFolder } from '../../workspace/wsgate-folder.js';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { ServiceModel } from '../../config/model.js';
import { LOCAL_ACCOUNT_ID } from '../ids.js';
import { parseAccessLogFormat, renderAccessLog } from './render-access-log.js';
import { renderExecutionLog } from './render-execution-log.js';
import type { RequestObserver, RequestRecord } from './request-record.js';

export interface LogObserverOptions {
  /** Folder under which log files go (default `.wsgate/logs` in the service folder). */
  logDir?: string;
  /** Where console lines go; default process.stdout. */
  write?: (line: string) => void;
  /** Colour console lines; default: when writing to process.stdout and it is a terminal. */
  color?: boolean;
  /** Account id of the endpoint URIs in execution logs; default the local account id of methodArn. */
  accountId?: string;
}

export interface LogObservers {
  observers: RequestObserver[];
  /** Flushes and closes log files. */
  close(): Promise<void>;
}

const ACCESS_COLOR = '\u001b[36m';
const EXECUTION_COLOR = '\u001b[35m';
const ERROR_COLOR = '\u001b[31m';
const RESET = '\u001b[39m';

/** `/aws/websocket/svc-dev` → `<logDir>/aws/websocket/svc-dev.log`. */
export function resolveLogFile(logDir: string, logGroupName: string): string {
  const parts = logGroupName.split('/').filter((part) => part !== '' && part !== '.' && part !== '..');
  return `${path.join(logDir, ...parts)}.log`;
}

/** The execution log group API Gateway manages: `API-Gateway-Execution-Logs_{apiId}/{stage}`. */
export function executionLogGroupName(apiId: string, stage: string): string {
  return `API-Gateway-Execution-Logs_${apiId}/${stage}`;
}

/**
 * The access and execution log observers for `provider.logs.websocket`. The gateway calls this once at
 * start-up and feeds every RequestRecord to the observers. Throws a WsgateError on an invalid format.
 */
export function createLogObservers(model: ServiceModel, options: LogObserverOptions = {}): LogObservers {
  const logs = model.websocket.logs;
  if (!logs || (!logs.accessLogging && !logs.executionLogging)) return { observers: [], close: async () => {} };

  const template = logs.accessLogging ? parseAccessLogFormat(logs.format, model.configFile) : undefined;
  const logDir = options.logDir ?? path.join(model.serviceDir, '.wsgate', 'logs');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const color = options.color ?? (options.write === undefined && process.stdout.isTTY === true);
  const paint = (code: string, line: string) => (color ? `${code}${line}${RESET}` : line);
  const files = new LogFiles(write, options.logDir ? undefined : model.serviceDir);

  const observers: RequestObserver[] = [];
  if (template) {
    const file = resolveLogFile(logDir, logs.logGroupName);
    observers.push((record) => {
      const line = renderAccessLog(template, record);
      write(paint(ACCESS_COLOR, line));
      files.append(file, line);
    });
  }
  if (logs.executionLogging) {
    const settings = {
      level: logs.level,
      fullExecutionData: logs.fullExecutionData,
      region: model.region,
      accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
      functionName: (key: string) => model.functions.get(key)?.name ?? key,
    };
    observers.push((record: RequestRecord) => {
      const file = resolveLogFile(logDir, executionLogGroupName(record.apiId, record.stage));
      for (const line of renderExecutionLog(record, settings)) {
        write(paint(line.level === 'ERROR' ? ERROR_COLOR : EXECUTION_COLOR, line.text));
        files.append(file, line.text);
      }
    });
  }
  return { observers: observers.map(guard), close: () => files.close() };
}

// Observers must never throw into the gateway.
function guard(observer: RequestObserver): RequestObserver {
  return (record) => {
    try {
      observer(record);
    } catch {
      // A log line lost is better than a request failed.
    }
  };
}

/** Append-only log files, opened on first use; a file that cannot be written is reported once and skipped. */
class LogFiles {
  private readonly streams = new Map<string, WriteStream | null>();

  constructor(
    private readonly warn: (line: string) => void,
    /** Set when the files go under the service's `.wsgate` folder. */
    private readonly serviceDir?: string,
  ) {}

  append(file: string, line: string): void {
    let stream = this.streams.get(file);
    if (stream === undefined) {
      stream = this.open(file);
      this.streams.set(file, stream);
    }
    stream?.write(`${line}\n`);
  }

  private open(file: string): WriteStream | null {
    try {
      if (this.serviceDir) ensureWsgateFolder(this.serviceDir);
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (err) {
      this.warn(`wsgate: cannot write log file ${file}: ${(err as Error).message}`);
      return null;
    }
    const stream = createWriteStream(file, { flags: 'a' });
    stream.on('error', (err) => {
      this.warn(`wsgate: cannot write log file ${file}: ${err.message}`);
      this.streams.set(file, null);
    });
    return stream;
  }

  async close(): Promise<void> {
    const open = [...this.streams.values()].filter((stream): stream is WriteStream => stream !== null);
    this.streams.clear();
    await Promise.all(open.map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
  }
}
