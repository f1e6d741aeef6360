import type { InvokeFailure, InvokeResult, Invoker } from '../runtime/invoker.js';

/** A fault the inspector can inject into a function's next invocations. */
export type FaultKind = 'error' | 'timeout' | 'cold-start';

export interface InvocationReport {
  functionKey: string;
  connectionId: string | undefined;
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

const CONNECTION_ID_KEY = '"connectionId":"';

/** The connection a MESSAGE event's JSON is about; read only while the inspector is on. */
function connectionIdOfJson(json: string): string | undefined {
  const at = json.lastIndexOf(CONNECTION_ID_KEY);
  if (at < 0) return undefined;
  const start = at + CONNECTION_ID_KEY.length;
  return json.slice(start, json.indexOf('"', start));
}

function connectionIdOf(event: unknown): string | undefined {
  const id = (event as { requestContext?: { connectionId?: unknown } } | null)?.requestContext?.connectionId;
  return typeof id === 'string' ? id : undefined;
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
export function createFaultInvoker(inner: Invoker, report: (invocation: InvocationReport) => void, clock: () => number): FaultInvoker {
  const armed = new Map<string, { kind: FaultKind; remaining: number }>();
  const inFlight = new Map<string, string[]>();

  const take = (functionKey: string): FaultKind | undefined => {
    const fault = armed.get(functionKey);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) armed.delete(functionKey);
    return fault.kind;
  };

  const run = async (functionKey: string, connectionId: string | undefined, call: () => Promise<InvokeResult>): Promise<InvokeResult> => {
    const startedAt = clock();
    const injected = take(functionKey);
    if (injected === 'error' || injected === 'timeout') {
      const result = injectedFailure(injected);
      report({ functionKey, connectionId, result, startedAt, injected });
      return result;
    }
    if (injected === 'cold-start') inner.retire?.(functionKey);
    const running = inFlight.get(functionKey) ?? [];
    inFlight.set(functionKey, running);
    const marker = connectionId ?? '';
    running.push(marker);
    try {
      const result = await call();
      report({ functionKey, connectionId, result, startedAt, ...(injected ? { injected } : {}) });
      return result;
    } finally {
      running.splice(running.indexOf(marker), 1);
    }
  };

  return {
    invoke: (functionKey, event, options) => run(functionKey, connectionIdOf(event), () => inner.invoke(functionKey, event, options)),
    ...(inner.invokeEncoded
      ? {
          invokeEncoded: (functionKey: string, eventJson: string, options?: Parameters<NonNullable<Invoker['invokeEncoded']>>[2]) =>
            run(functionKey, connectionIdOfJson(eventJson), () => inner.invokeEncoded!(functionKey, eventJson, options)),
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
