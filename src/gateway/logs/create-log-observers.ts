import type { ServiceModel } from '../../config/model.js';
import type { RequestObserver } from './request-record.js';

export interface LogObserverOptions {
  /** Folder under which log files go (default `.wsgate/logs` in the service folder). */
  logDir?: string;
  /** Where console lines go; default process.stdout. */
  write?: (line: string) => void;
}

export interface LogObservers {
  observers: RequestObserver[];
  /** Flushes and closes log files. */
  close(): Promise<void>;
}

/**
 * The access and execution log observers for `provider.logs.websocket`. The gateway calls this once at
 * start-up and feeds every RequestRecord to the observers. Placeholder until the logs module lands.
 */
export function createLogObservers(_model: ServiceModel, _options: LogObserverOptions = {}): LogObservers {
  return { observers: [], close: async () => {} };
}
