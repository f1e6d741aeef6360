import type { ExitOutcome, InitOutcome, QueuedInvocation, RunLimits, RunOutcome } from './handler-instance.js';

/**
 * One execution environment as `FunctionPool` drives it, whatever runs inside: the Node runner over its own channel
 * (`HandlerInstance`) or any process speaking the Lambda Runtime API (`RuntimeApiInstance`).
 */
export interface PoolInstance {
  /** Its name in the function's pool, `<function>#<n>` (the inspector shows it); set by the pool. */
  id?: string;
  readonly ready: Promise<InitOutcome>;
  readonly exited: Promise<ExitOutcome>;
  retired: boolean;
  readonly isAlive: boolean;
  readonly load: number;
  readonly isServing: boolean;
  acceptsQueued(now: number): boolean;
  reserve(): void;
  unreserve(): void;
  run(request: QueuedInvocation, limits: RunLimits): Promise<RunOutcome>;
  recall(): void;
  kill(): Promise<ExitOutcome>;
}

/** What the pool hands an instance it starts: its environment and the hooks it reports through. */
export interface InstanceHooks {
  /** Its name in the pool (`echo#2`), on its log lines. */
  id: string;
  env: Record<string, string>;
  onSettled(instance: PoolInstance): void;
  onServiceTime(ms: number): void;
  /** CPU time (µs) the process used since it last told, where the runtime measures it (the pool's CPU pressure). */
  onCpuUsed(micros: number): void;
}

/** Starts one execution environment of a function that does not run in the Node runner. */
export type InstanceLauncher = (hooks: InstanceHooks) => Promise<PoolInstance | import('./runner/protocol.js').LambdaError>;
