/** What the context's legacy callbacks and `callbackWaitsForEmptyEventLoop` act on: one invocation's state. */
export interface CallbackControls {
  /** Read and set by the handler through `context.callbackWaitsForEmptyEventLoop`. */
  waitsForEmptyEventLoop: boolean;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
}

const controlsOf = new WeakMap<object, CallbackControls>();

/**
 * `callbackWaitsForEmptyEventLoop` is an own, enumerable accessor as in the Lambda runtime (it shows in
 * `JSON.stringify(context)`). The same getter and setter serve every context: an object literal with its own
 * accessor closures gets a hidden class of its own each time, which made every invocation slow.
 */
const waitsForEmptyEventLoop: PropertyDescriptor = {
  get(this: object) {
    return controlsOf.get(this)?.waitsForEmptyEventLoop;
  },
  set(this: object, value: boolean) {
    const controls = controlsOf.get(this);
    if (controls) controls.waitsForEmptyEventLoop = value;
  },
  enumerable: true,
  configurable: true,
};

/**
 * The Lambda `context` object as the Node.js runtime builds it, with its keys in the runtime's order: the
 * legacy callbacks, environment data, then invoke data.
 */
export function createLambdaContext(
  awsRequestId: string,
  invokedFunctionArn: string,
  deadline: number,
  controls: CallbackControls,
): Record<string, unknown> {
  const env = process.env;
  const context: Record<string, unknown> = {};
  Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', waitsForEmptyEventLoop);
  controlsOf.set(context, controls);
  context.succeed = controls.succeed;
  context.fail = controls.fail;
  context.done = controls.done;
  context.functionVersion = env.AWS_LAMBDA_FUNCTION_VERSION;
  context.functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  // A string, as the real runtime reads it from the environment.
  context.memoryLimitInMB = env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  context.logGroupName = env.AWS_LAMBDA_LOG_GROUP_NAME;
  context.logStreamName = env.AWS_LAMBDA_LOG_STREAM_NAME;
  context.clientContext = undefined;
  context.identity = undefined;
  context.invokedFunctionArn = invokedFunctionArn;
  context.awsRequestId = awsRequestId;
  context.getRemainingTimeInMillis = () => deadline - Date.now();
  return context;
}
