import type { LambdaError } from './runner/protocol.js';

// Go's names for the signals Lambda reports (`signal: killed`), as its runtime API prints them.
const SIGNAL_TEXTS: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted (core dumped)',
  SIGSEGV: 'segmentation fault (core dumped)',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error (core dumped)',
  SIGILL: 'illegal instruction (core dumped)',
  SIGFPE: 'floating point exception (core dumped)',
};

/** Lambda's answer when the function's process ends during an invocation. */
export function buildExitError(awsRequestId: string, code: number | null, signal: NodeJS.Signals | null): LambdaError {
  let reason: string;
  if (signal) reason = `Runtime exited with error: signal: ${SIGNAL_TEXTS[signal] ?? signal.toLowerCase()}`;
  else if (code === 0 || code === null) reason = 'Runtime exited without providing a reason';
  else reason = `Runtime exited with error: exit status ${code}`;
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${awsRequestId} Error: ${reason}` };
}

/** Lambda's answer when an invocation outlives the function's timeout. */
export function buildTimeoutError(awsRequestId: string, limitMs: number): LambdaError {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${awsRequestId} Error: Task timed out after ${(limitMs / 1000).toFixed(2)} seconds`,
  };
}
