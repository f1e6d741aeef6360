/**
 * The entry point of one handler instance (a Lambda execution environment): a child process that loads the
 * handler once and serves invocations one at a time over the IPC channel, from a queue the invoker may fill ahead
 * (each result is sent the moment it is known, so a later invocation that kills the process loses no earlier answer). It follows the Lambda Node.js
 * runtime's semantics: first of callback/return wins, `callbackWaitsForEmptyEventLoop` is honoured through
 * `beforeExit`, and an uncaught exception or unhandled rejection answers the current invocation and ends the
 * instance.
 */
import { attributeOutput, type RunAttributed } from './attribute-output.js';
import { createLambdaContext, type CallbackControls } from './create-lambda-context.js';
import { InitFailure, loadHandler, type LambdaHandler } from './load-handler.js';
import { Socket } from 'node:net';
import { CPU_REPORT_INTERVAL_MS, INVOCATIONS_FD, parseInvocationLine, type ChildMessage, type InitMessage, type LambdaError, type ParentMessage, type QueuedRequest } from './protocol.js';
import { certainlyWithinLimit, MAX_RESPONSE_BYTES } from './response-size.js';
import { toLambdaError, toRuntimeError } from './to-lambda-error.js';

interface Invocation {
  awsRequestId: string;
  /** What to do when the event loop becomes empty; Lambda's runtime posts `null` unless a callback changed it. */
  onEmptyEventLoop: (() => void) | undefined;
  /** The handler answered (callback, succeed, fail, done or its promise); later answers are ignored. */
  answered: boolean;
}

const NODE_JS_EXIT = toRuntimeError(
  'NodeJsExit',
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
);

let handler: LambdaHandler | undefined;
let handlerIsAsync = false;
let current: Invocation | undefined;
const queue: QueuedRequest[] = [];
let ready = false;
let functionTimeoutMs = 0;
let invokedFunctionArn = '';
let cpuReportedAt = -Infinity;
/** Set with `attributeLogs`: runs a handler call in its invocation's async context. */
let attributed: RunAttributed | undefined;

function send(message: ChildMessage, then?: () => void): void {
  try {
    process.send!(message, undefined, {}, () => then?.());
  } catch {
    process.exit(0);
  }
}

function finish(invocation: Invocation, message: ChildMessage): void {
  if (current !== invocation) return;
  current = undefined;
  process.channel?.ref();
  if (message.type === 'result') {
    const now = performance.now();
    if (now - cpuReportedAt >= CPU_REPORT_INTERVAL_MS) {
      cpuReportedAt = now;
      const cpu = process.cpuUsage();
      message.cpuMicros = cpu.user + cpu.system;
    }
  }
  send(message);
  startNext();
}

function startNext(): void {
  if (current || !ready) return;
  const next = queue.shift();
  if (next) invoke(next);
}

/** The size of a result's JSON text in bytes (undefined when JSON has no text for it), or 'unencodable'. */
function measure(value: unknown): number | undefined | 'unencodable' {
  try {
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? undefined : Buffer.byteLength(text);
  } catch {
    return 'unencodable';
  }
}

function complete(invocation: Invocation, result: unknown): void {
  let hasText = result !== undefined;
  if (hasText && !certainlyWithinLimit(result)) {
    const bytes = measure(result);
    if (bytes === 'unencodable') return postError(invocation, new Error('Unable to stringify response body'));
    if (bytes !== undefined && bytes > MAX_RESPONSE_BYTES) {
      const error = {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      };
      return finish(invocation, { type: 'result', awsRequestId: invocation.awsRequestId, ok: false, error });
    }
    hasText = bytes !== undefined;
  }
  // The value itself, not its text: the channel's encoding is then the only one the gateway parses.
  const message: ChildMessage = { type: 'result', awsRequestId: invocation.awsRequestId, ok: true };
  if (hasText) message.value = result;
  finish(invocation, message);
}

function postError(invocation: Invocation, error: unknown): void {
  finish(invocation, { type: 'result', awsRequestId: invocation.awsRequestId, ok: false, error: toLambdaError(error) });
}

function invoke(request: QueuedRequest): void {
  const invocation: Invocation = { awsRequestId: request.awsRequestId, onEmptyEventLoop: undefined, answered: false };
  current = invocation;
  let event: unknown;
  try {
    event = JSON.parse(request.eventJson);
  } catch (err) {
    // Lambda refuses a payload that is not JSON before any handler runs (only a library caller can send one).
    const error = { errorType: 'InvalidRequestContentException', errorMessage: `Could not parse request body into json: ${(err as Error).message}` };
    return finish(invocation, { type: 'result', awsRequestId: invocation.awsRequestId, ok: false, error });
  }
  // An async handler whose promise never settles: the loop ran dry, which Lambda reports as Runtime.NodeJsExit.
  // Any other handler that never called back answers null.
  invocation.onEmptyEventLoop = handlerIsAsync
    ? () => finish(invocation, { type: 'result', awsRequestId: invocation.awsRequestId, ok: false, error: NODE_JS_EXIT })
    : () => complete(invocation, null);
  // While the handler runs, the channel must not keep the loop alive, so that `beforeExit` tells us it is empty.
  process.channel?.unref();

  // Only the first of callback, succeed, fail, done or the returned promise counts (`claim`).
  const done = (error?: unknown, result?: unknown) => {
    if (!claim(invocation)) return;
    if (error !== undefined && error !== null) postError(invocation, error);
    else complete(invocation, result);
  };
  const controls: CallbackControls = {
    waitsForEmptyEventLoop: true,
    succeed: (result) => done(null, result),
    fail: (error) => (error === undefined || error === null ? done('handled') : done(error, null)),
    done,
  };
  const callback = (error?: unknown, result?: unknown) => {
    if (!claim(invocation)) return;
    if (error !== undefined && error !== null) postError(invocation, error);
    else if (!controls.waitsForEmptyEventLoop) complete(invocation, result);
    else invocation.onEmptyEventLoop = () => setImmediate(() => complete(invocation, result));
  };
  const context = createLambdaContext(invocation.awsRequestId, invokedFunctionArn, Date.now() + functionTimeoutMs, controls);

  try {
    const result = attributed ? attributed(invocation.awsRequestId, () => handler!(event, context, callback)) : handler!(event, context, callback);
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      Promise.resolve(result).then(controls.succeed, controls.fail).catch(controls.fail);
    }
  } catch (err) {
    callback(err);
  }
}

/** True for the first answer of an invocation (which then no longer waits for the event loop to empty). */
function claim(invocation: Invocation): boolean {
  if (invocation.answered) return false;
  invocation.answered = true;
  invocation.onEmptyEventLoop = undefined;
  return true;
}

function fatal(error: LambdaError, exitCode: number): void {
  const exit = () => process.exit(exitCode);
  if (!ready) return send({ type: 'init-error', error }, exit);
  const invocation = current;
  if (!invocation) return exit();
  current = undefined;
  send({ type: 'result', awsRequestId: invocation.awsRequestId, ok: false, error, fatal: true }, exit);
}

async function initialize(message: InitMessage): Promise<void> {
  functionTimeoutMs = message.timeoutMs;
  invokedFunctionArn = message.invokedFunctionArn;
  if (message.attributeLogs) attributed = attributeOutput((awsRequestId) => current?.awsRequestId === awsRequestId);
  try {
    handler = await loadHandler(message);
    handlerIsAsync = handler.constructor?.name === 'AsyncFunction';
    ready = true;
    const cpu = process.cpuUsage();
    send({ type: 'ready', cpuMicros: cpu.user + cpu.system });
    startNext();
  } catch (err) {
    const error = err instanceof InitFailure ? err.error : toLambdaError(err);
    send({ type: 'init-error', error }, () => process.exit(1));
  }
}

process.on('uncaughtException', (error) => fatal(toLambdaError(error), 129));
process.on('unhandledRejection', (reason) =>
  fatal(toRuntimeError('UnhandledPromiseRejection', String(reason), reason), 128),
);
process.on('beforeExit', () => {
  const invocation = current;
  if (!invocation) return;
  const action = invocation.onEmptyEventLoop ?? (() => complete(invocation, null));
  invocation.onEmptyEventLoop = undefined;
  action();
});
// The invoker went away: an orphaned instance must not linger.
process.on('disconnect', () => process.exit(0));
process.on('message', (message: ParentMessage) => {
  if (message.type === 'recall') {
    send({ type: 'recalled', awsRequestIds: queue.splice(0).map((request) => request.awsRequestId) });
  } else if (message.type === 'init' && !ready) void initialize(message);
});

const invocations = new Socket({ fd: INVOCATIONS_FD, readable: true, writable: false });
// The IPC channel alone keeps an idle instance alive (and is unref'd while a handler runs, for `beforeExit`).
invocations.unref();
invocations.setEncoding('utf8');
let partialLine = '';
invocations.on('data', (chunk: string) => {
  let start = 0;
  for (let end = chunk.indexOf('\n'); end >= 0; end = chunk.indexOf('\n', start)) {
    const line = partialLine + chunk.slice(start, end);
    partialLine = '';
    start = end + 1;
    queue.push(parseInvocationLine(line));
  }
  partialLine += chunk.slice(start);
  startNext();
});
// The invoker closed its end: it is going away, and the IPC channel's `disconnect` ends this process.
invocations.on('error', () => {});
