/** What the context's legacy callbacks and `callbackWaitsForEmptyEventLoop` act on: one invocation's state. */
export interface CallbackControls {
  /** Read and set by the handler through `context.callbackWaitsForEmptyEventLoop`. */
  waitsForEmptyEventLoop: boolean;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
}

/** Returns the object it is given, so that a subclass can add its private field to a plain object. */
class ReturnsGiven {
  constructor(given: object) {
    return given;
  }
}

/**
 * Ties a context to its controls with a private field: invisible to the handler (not a key, not a symbol, not
 * shown by `console.log`), and without a WeakMap, whose entries cost every invocation time and the GC work.
 */
class ControlsStamp extends ReturnsGiven {
  #controls: CallbackControls;

  constructor(context: object, controls: CallbackControls) {
    super(context);
    this.#controls = controls;
  }

  static of(context: object): CallbackControls | undefined {
    return #controls in context ? (context as ControlsStamp).#controls : undefined;
  }
}

/**
 * `callbackWaitsForEmptyEventLoop` is an own, enumerable accessor as in the Lambda runtime (it shows in
 * `JSON.stringify(context)`). The same getter and setter serve every context: an object literal with its own
 * accessor closures gets a hidden class of its own each time, which made every invocation slow.
 */
const waitsForEmptyEventLoop: PropertyDescriptor = {
  get(this: object) {
    return ControlsStamp.of(this)?.waitsForEmptyEventLoop;
  },
  set(this: object, value: boolean) {
    const controls = ControlsStamp.of(this);
    if (controls) controls.waitsForEmptyEventLoop = value;
  },
  enumerable: true,
  configurable: true,
};

interface EnvironmentData {
  functionVersion: string | undefined;
  functionName: string | undefined;
  memoryLimitInMB: string | undefined;
  logGroupName: string | undefined;
  logStreamName: string | undefined;
}

let environmentData: EnvironmentData | undefined;

/**
 * The context's environment fields. Read from `process.env` once, at the first invocation (after the handler's
 * module loaded): each read of `process.env` is a call into the C++ environment, and five per invocation were a
 * tenth of the runner's time. The platform sets these variables; a handler that changes them later sees its
 * change in `process.env`, not in the context (docs/runtime.md).
 */
function readEnvironmentData(): EnvironmentData {
  const env = process.env;
  return {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    // A string, as the real runtime reads it from the environment.
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
}

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
  const environment = (environmentData ??= readEnvironmentData());
  const context: Record<string, unknown> = {};
  Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', waitsForEmptyEventLoop);
  new ControlsStamp(context, controls);
  context.succeed = controls.succeed;
  context.fail = controls.fail;
  context.done = controls.done;
  context.functionVersion = environment.functionVersion;
  context.functionName = environment.functionName;
  context.memoryLimitInMB = environment.memoryLimitInMB;
  context.logGroupName = environment.logGroupName;
  context.logStreamName = environment.logStreamName;
  context.clientContext = undefined;
  context.identity = undefined;
  context.invokedFunctionArn = invokedFunctionArn;
  context.awsRequestId = awsRequestId;
  context.getRemainingTimeInMillis = () => deadline - Date.now();
  return context;
}
