/** Messages between the invoker (parent) and a handler instance's runner (child), over the IPC channel. */

/** How the runner loads the user's module: `require` (CommonJS) or `import` (ES module). */
export type ModuleLoader = 'require' | 'import';

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type ParentMessage = InitMessage | InvokeMessage;

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
}

export interface InvokeMessage {
  type: 'invoke';
  awsRequestId: string;
  /** The event as JSON text. */
  event: string;
  /** Epoch ms at which the function's timeout passes (`getRemainingTimeInMillis`). */
  deadline: number;
  invokedFunctionArn: string;
}

export type ChildMessage = ReadyMessage | InitErrorMessage | ResultMessage;

export interface ReadyMessage {
  type: 'ready';
}

export interface InitErrorMessage {
  type: 'init-error';
  error: LambdaError;
}

export type ResultMessage =
  | { type: 'result'; awsRequestId: string; ok: true; /** JSON text; absent for undefined. */ value?: string }
  | { type: 'result'; awsRequestId: string; ok: false; error: LambdaError; /** The runner exits after this one. */ fatal?: boolean };
