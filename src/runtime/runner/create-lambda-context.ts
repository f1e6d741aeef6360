import type { InitMessage } from './protocol.js';

export interface CallbackControls {
  /** Read and set by the handler through `context.callbackWaitsForEmptyEventLoop`. */
  waitsForEmptyEventLoop: boolean;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
}

/** The Lambda `context` object as the Node.js runtime builds it: environment data, invoke data, and the legacy callbacks. */
export function createLambdaContext(
  awsRequestId: string,
  invokedFunctionArn: InitMessage['invokedFunctionArn'],
  deadline: number,
  controls: CallbackControls,
): Record<string, unknown> {
  const env = process.env;
  return {
    get callbackWaitsForEmptyEventLoop() {
      return controls.waitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      controls.waitsForEmptyEventLoop = value;
    },
    succeed: controls.succeed,
    fail: controls.fail,
    done: controls.done,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    // A string, as the real runtime reads it from the environment.
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn,
    awsRequestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}
