import { randomUUID } from 'node:crypto';
import type { InvokeFailure, InvokeOptions, InvokeResult, Invoker } from '../runtime/invoker.js';

/** A fault the inspector can inject into a function's next invocations. */
export type FaultKind = 'error' | 'timeout' | 'cold-start';

/** An invocation as it starts: what its log lines (by Lambda request id) and its request record (by API request id) are matched to. */
export interface InvocationStart {
  functionKey: string;
  connectionId: string | undefined;
  /** The Lambda request id (`context.awsRequestId`) it runs with. */
  awsRequestId: string;
  /** The API Gateway request id of the event (`requestContext.requestId`). */
  requestId: string | undefined;
}

export interface InvocationReport extends InvocationStart {
  result: InvokeResult;
  startedAt: number;
  injected?: FaultKind;
}

export interface FaultInvoker extends Invoker {
  /** Arms `count` invocations of `functionKey` with `kind` (0 clears). */
  inject(functionKey: string, kind: FaultKind, count: number): void;
  faults(): { functionKey: string; kind: FaultKind; remaining: number }[];
  /** The connection ids of the invocations of a function now running, oldest first. */
  running(functionKey: string): readonly string[];
}

/**
 * A string field of a MESSAGE event's JSON, read only while the inspector is on. The body's quotes are escaped in
 * that text, so `"key":"` matches only the event's own fields.
 */
function fieldOfJson(json: string, key: string): string | undefined {
  const marker = `"${key}":"`;
  const at = json.lastIndexOf(marker);
  if (at < 0) return undefined;
  const start = at + marker.length;
  return json.slice(start, json.indexOf('"', start));
}

function contextFieldOf(event: unknown, key: 'connectionId' | 'requestId'): string | undefined {
  const value = (event as { requestContext?: Record<string, unknown> } | null)?.requestContext?.[key];
  return typeof value === 'string' ? value : undefined;
}

function injectedFailure(kind: 'error' | 'timeout'): InvokeFailure {
  return kind === 'error'
    ? { ok: false, kind: 'error', error: { errorType: 'InjectedFault', errorMessage: 'error injected from the wsgate inspector' }, durationMs: 0 }
    : { ok: false, kind: 'timeout', error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out (timeout injected from the wsgate inspector)' }, durationMs: 0 };
}

/**
 * Wraps any invoker (Node, Python, a test's) while the inspector is on: it sees every invocation's connection and
 * result, and can fail the next ones on purpose. A cold start asks the runtime to retire its warm instances
 * (`Invoker.retire`); a runtime without it just runs the invocation.
 */
export function createFaultInvoker(
  inner: Invoker,
  report: (invocation: InvocationReport) => void,
  clock: () => number,
  onStart: (invocation: InvocationStart) => void = () => {},
): FaultInvoker {
  const armed = new Map<string, { kind: FaultKind; remaining: number }>();
  const inFlight = new Map<string, string[]>();

  const take = (functionKey: string): FaultKind | undefined => {
    const fault = armed.get(functionKey);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) armed.delete(functionKey);
    return fault.kind;
  };

  const run = async (
    start: InvocationStart,
    options: InvokeOptions | undefined,
    call: (options: InvokeOptions) => Promise<InvokeResult>,
  ): Promise<InvokeResult> => {
    const { functionKey, connectionId } = start;
    const startedAt = clock();
    const injected = take(functionKey);
    if (injected === 'error' || injected === 'timeout') {
      const result = injectedFailure(injected);
      report({ ...start, result, startedAt, injected });
      return result;
    }
    onStart(start);
    if (injected === 'cold-start') inner.retire?.(functionKey);
    const running = inFlight.get(functionKey) ?? [];
    inFlight.set(functionKey, running);
    const marker = connectionId ?? '';
    running.push(marker);
    try {
      const result = await call({ ...options, awsRequestId: start.awsRequestId });
      report({ ...start, result, startedAt, ...(injected ? { injected } : {}) });
      return result;
    } finally {
      running.splice(running.indexOf(marker), 1);
    }
  };

  return {
    invoke: (functionKey, event, options) =>
      run(
        { functionKey, connectionId: contextFieldOf(event, 'connectionId'), requestId: contextFieldOf(event, 'requestId'), awsRequestId: options?.awsRequestId ?? randomUUID() },
        options,
        (given) => inner.invoke(functionKey, event, given),
      ),
    ...(inner.invokeEncoded
      ? {
          invokeEncoded: (functionKey: string, eventJson: string, options?: InvokeOptions) =>
            run(
              { functionKey, connectionId: fieldOfJson(eventJson, 'connectionId'), requestId: fieldOfJson(eventJson, 'requestId'), awsRequestId: options?.awsRequestId ?? randomUUID() },
              options,
              (given) => inner.invokeEncoded!(functionKey, eventJson, given),
            ),
        }
      : {}),
    ...(inner.describe ? { describe: () => inner.describe!() } : {}),
    ...(inner.retire ? { retire: (functionKey: string) => inner.retire!(functionKey) } : {}),
    close: () => inner.close(),
    inject(functionKey, kind, count) {
      if (count <= 0) armed.delete(functionKey);
      else armed.set(functionKey, { kind, remaining: Math.floor(count) });
    },
    faults: () => [...armed].map(([functionKey, fault]) => ({ functionKey, ...fault })),
    running: (functionKey) => inFlight.get(functionKey) ?? [],
  };
}
