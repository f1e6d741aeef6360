/**
 * How the gateway calls a function. The Node runtime (isolated handler processes) implements it;
 * tests may inject their own for fault injection.
 */
export interface Invoker {
  /** Invoke a function of the service by its key in `functions:`. Never rejects: failures are results. */
  invoke(functionKey: string, event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /**
   * Optional: `invoke` with the event already encoded as JSON text. The gateway then encodes MESSAGE events from
   * parts cached per connection, a fraction of the cost of encoding the object; without it, it calls `invoke`.
   */
  invokeEncoded?(functionKey: string, eventJson: string, options?: InvokeOptions): Promise<InvokeResult>;
  /** Stop every instance; pending invocations settle as failures. */
  close(): Promise<void>;
  /** Optional, for the inspector: the execution environments of each function now. */
  describe?(): FunctionInstances[];
  /** Optional, for the inspector's cold-start fault: retire a function's instances, so its next invocation starts a new one. */
  retire?(functionKey: string): void;
}

export interface FunctionInstances {
  functionKey: string;
  /** Instances whose init finished. */
  warm: number;
  /** Instances running an invocation. */
  busy: number;
  /** Instances being started (cold starts under way). */
  starting: number;
  /** Each instance by its name (`echo#2`), where the runtime tells. */
  instances?: { id: string; state: 'starting' | 'idle' | 'busy' }[];
}

export interface InvokeOptions {
  /** The Lambda request id (`context.awsRequestId`); generated when absent. */
  awsRequestId?: string;
  /** Cap on the invocation's duration in ms (API Gateway's 29 s integration timeout); the function's own timeout still applies. */
  deadlineMs?: number;
}

export type InvokeResult = InvokeSuccess | InvokeFailure;

export interface InvokeSuccess {
  ok: true;
  /** What the handler returned or passed to its callback (undefined when nothing). */
  value: unknown;
  durationMs: number;
  /** The instance that ran it (`echo#2`), where the runtime tells. */
  instance?: string;
}

export interface InvokeFailure {
  ok: false;
  /**
   * `error`: the handler threw/rejected/called back with an error;
   * `timeout`: the function's timeout (or the deadline) passed; the instance was replaced;
   * `crash`: the instance died (process.exit, out of memory, uncaught exception);
   * `init`: the module failed to load or the export is not a function.
   */
  kind: 'error' | 'timeout' | 'crash' | 'init';
  /** As Lambda reports it: `{ errorType, errorMessage, trace? }`. */
  error: { errorType: string; errorMessage: string; trace?: string[] };
  durationMs: number;
  /** The instance that ran it (`echo#2`), where the runtime tells; none when it never reached one. */
  instance?: string;
}
