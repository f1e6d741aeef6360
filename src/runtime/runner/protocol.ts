/**
 * Messages between the invoker (parent) and a handler instance's runner (child). Invocations travel on a pipe of
 * their own (`INVOCATIONS_FD`), one JSON line per batch, which the invoker writes as text: Node's IPC channel
 * can only send objects, which it encodes again. Everything else goes over the IPC channel.
 */

/** The runner's file descriptor from which it reads invocation batches (`InvocationBatch`, one per line). */
export const INVOCATIONS_FD = 4;

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
}

/** One invocation. The runner runs them one at a time, in the order received. */
export interface InvocationRequest {
  awsRequestId: string;
  event: unknown;
}

/**
 * One line of the invocations pipe: the invocations the invoker had ready at once, in one write and one wake-up
 * of the instance.
 */
export interface InvocationBatch {
  invocations: InvocationRequest[];
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

/** How often at most a result carries `cpuMicros`. */
export const CPU_REPORT_INTERVAL_MS = 10;
