import type { InvokeOptions, InvokeResult, Invoker } from '../../src/runtime/invoker.js';

export type TestHandler = (event: any) => unknown | Promise<unknown>;

export interface Invocation {
  functionKey: string;
  event: any;
  /** What the gateway asked of the invocation (its deadline). */
  options?: InvokeOptions;
}

export interface TestInvoker extends Invoker {
  invocations: Invocation[];
  /** Resolves with the next invocation of `functionKey` (or one already made and not yet awaited). */
  nextInvocation(functionKey: string): Promise<Invocation>;
}

/**
 * An in-process invoker for fast gateway tests: handlers are plain functions; a throw is reported as
 * an `error` failure like the runtime reports it.
 */
export function createTestInvoker(handlers: Record<string, TestHandler>): TestInvoker {
  const invocations: Invocation[] = [];
  const consumed = new Map<string, number>();
  const waiters: { functionKey: string; resolve: (invocation: Invocation) => void }[] = [];
  const take = (functionKey: string): Invocation | undefined => {
    const from = consumed.get(functionKey) ?? 0;
    const index = invocations.findIndex((inv, i) => i >= from && inv.functionKey === functionKey);
    if (index < 0) return undefined;
    consumed.set(functionKey, index + 1);
    return invocations[index];
  };
  return {
    invocations,
    nextInvocation(functionKey) {
      const ready = take(functionKey);
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiters.push({ functionKey, resolve }));
    },
    async invoke(functionKey, event, options): Promise<InvokeResult> {
      const invocation = { functionKey, event: structuredClone(event), options };
      invocations.push(invocation);
      const waiter = waiters.findIndex((w) => w.functionKey === functionKey);
      if (waiter >= 0) {
        take(functionKey);
        waiters.splice(waiter, 1)[0]!.resolve(invocation);
      }
      const handler = handlers[functionKey];
      const started = Date.now();
      if (!handler) {
        return { ok: false, kind: 'init', error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `no handler ${functionKey}` }, durationMs: 0 };
      }
      try {
        const value = await handler(invocation.event);
        return { ok: true, value, durationMs: Date.now() - started };
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        return { ok: false, kind: 'error', error: { errorType: error.name, errorMessage: error.message }, durationMs: Date.now() - started };
      }
    },
    async close() {},
  };
}

/** Wraps a real invoker (the Node runtime) to see which functions ran and with which events. */
export function recordInvocations(real: Invoker): Invoker & { calls: Invocation[] } {
  const calls: Invocation[] = [];
  return {
    calls,
    invoke(functionKey, event, options) {
      calls.push({ functionKey, event, options });
      return real.invoke(functionKey, event, options);
    },
    close: () => real.close(),
  };
}
