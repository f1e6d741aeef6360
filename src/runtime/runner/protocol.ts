/**
 * Messages between the invoker (parent) and a handler instance's runner (child). Invocations travel on a pipe of
 * their own (`INVOCATIONS_FD`) as text the invoker writes, since Node's IPC channel can only send objects, which
 * it encodes again. Everything else goes over the IPC channel.
 */

/**
 * The runner's file descriptor from which it reads invocations, one per line: the request id as a JSON string,
 * a tab, then the event's JSON text without raw line breaks (`formatInvocationLine`). The runner parses an event
 * when the invocation starts, so an event that is not JSON fails alone.
 */
export const INVOCATIONS_FD = 4;

export function formatInvocationLine(awsRequestId: string, eventJson: string): string {
  // Raw line breaks in JSON text can only be whitespace between tokens (inside strings they are escaped).
  const oneLine = eventJson.includes('\n') || eventJson.includes('\r') ? eventJson.replace(/[\r\n]/g, ' ') : eventJson;
  return `${JSON.stringify(awsRequestId)}\t${oneLine}\n`;
}

/** The request id and the event's JSON text of one line of `INVOCATIONS_FD` (without its line break). */
export function parseInvocationLine(line: string): QueuedRequest {
  const tab = line.indexOf('\t');
  return { awsRequestId: JSON.parse(line.slice(0, tab)) as string, eventJson: line.slice(tab + 1) };
}

/** How the runner loads the user's module: `require` (CommonJS) or `import` (ES module). */
export type ModuleLoader = 'require' | 'import';

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type ParentMessage = InitMessage | RecallMessage;

export interface InitMessage {
  type: 'init';
  /** Absolute file to load, or undefined when resolution already failed (then `initError` is set). */
  file?: string;
  loader?: ModuleLoader;
  /** `obj.fn` part of the handler string. */
  exportPath?: string;
  /** The handler string as written, for Lambda's messages. */
  handler: string;
  /** An error found by the parent while resolving or compiling the module, reported as the init error. */
  initError?: LambdaError;
  /** The function's timeout: `getRemainingTimeInMillis` counts down from it once an invocation starts. */
  timeoutMs: number;
  invokedFunctionArn: string;
  /** Tag each line the handler writes with the request id of the invocation whose code wrote it (`LOG_TAG_START`). */
  attributeLogs?: boolean;
}

/** One invocation in the runner's queue. The runner runs them one at a time, in the order received. */
export interface QueuedRequest {
  awsRequestId: string;
  eventJson: string;
}

/** Hand back every queued invocation that has not started (its current one goes on); answered by `recalled`. */
export interface RecallMessage {
  type: 'recall';
}

export type ChildMessage = ReadyMessage | InitErrorMessage | ResultMessage | RecalledMessage;

export interface RecalledMessage {
  type: 'recalled';
  /** The queued invocations dropped without having started, in queue order. */
  awsRequestIds: string[];
}

export interface ReadyMessage {
  type: 'ready';
  /** The runner's CPU time so far, µs: the cold start, from which the handler's own share is counted. */
  cpuMicros?: number;
}

export interface InitErrorMessage {
  type: 'init-error';
  error: LambdaError;
}

export type ResultMessage = (
  | { type: 'result'; awsRequestId: string; ok: true; /** What the handler returned, JSON-encodable; absent when JSON has no text for it. */ value?: unknown }
  | { type: 'result'; awsRequestId: string; ok: false; error: LambdaError; /** The runner exits after this one. */ fatal?: boolean }
) & {
  /**
   * CPU time the process has used since it started, µs (the pool's measure of CPU-bound handlers). Sent with at
   * most one result per `CPU_REPORT_INTERVAL_MS`: reading it costs a system call.
   */
  cpuMicros?: number;
};

/**
 * With `attributeLogs`, a line of output written by an invocation's code (even after it answered: a timer, a late
 * promise) starts with `LOG_TAG_START`, `LOG_TAG_RUNNING` or `LOG_TAG_ENDED`, the request id and `LOG_TAG_END`;
 * the parent strips the tag. Control characters a handler does not print.
 */
export const LOG_TAG_START = '\u001e';
export const LOG_TAG_RUNNING = 'r';
export const LOG_TAG_ENDED = 'e';
export const LOG_TAG_END = '\u001f';

/** How often at most a result carries `cpuMicros`. */
export const CPU_REPORT_INTERVAL_MS = 10;
