import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FunctionModel } from '../config/model.js';
import { createLogStreamName } from './build-lambda-environment.js';
import type { BundlerSettings } from '../build/bundler-plugin.js';
import { compileTypescriptHandler } from './compile-typescript-handler.js';
import { CpuPressure } from './cpu-pressure.js';
import { HandlerInstance, type InitOutcome, type QueuedInvocation } from './handler-instance.js';
import type { InstanceLauncher, PoolInstance } from './pool-instance.js';
import type { FunctionInstances, InvokeOptions, InvokeResult } from './invoker.js';
import { buildExitError, buildTimeoutError } from './lambda-failures.js';
import { locateRunner } from './locate-runner.js';
import type { HandlerLogEntry } from './node-invoker.js';
import type { HandlerReference } from './parse-handler.js';
import { resolveHandlerModule, type ModulePlan } from './resolve-handler-module.js';
import type { InitMessage, LambdaError } from './runner/protocol.js';

/** Lambda's limit on the init phase (module loading) of an on-demand execution environment. */
export const INIT_TIMEOUT_MS = 10_000;

export interface FunctionPoolOptions {
  /** Start each instance with the Node inspector on this port (`wsgate dev --inspect`). */
  inspectPort?: number;
  fn: FunctionModel;
  serviceDir: string;
  reference: HandlerReference;
  /** The function's environment but the per-instance log stream name. */
  env: Record<string, string>;
  invokedFunctionArn: string;
  maxInstances: number;
  /** See `GROW_AFTER_MS`. */
  growAfterMs: number;
  /** See `PACK_WAIT_MS`. */
  packWaitMs: number;
  /** See `NodeInvokerOptions.batchScheduling`. */
  batchScheduling: boolean;
  /** See `IDLE_INSTANCE_TIMEOUT_MS`. */
  idleTimeoutMs: number;
  onLog: (entry: HandlerLogEntry) => void;
  /** See `NodeInvokerOptions.attributeLogs`. */
  attributeLogs?: boolean;
  /** Starts instances of a function that speaks the Lambda Runtime API instead of the Node runner. */
  launch?: InstanceLauncher;
  /** The service's bundler plugin: every handler is bundled with its options, as the plugin would before deploying. */
  bundler?: { settings: BundlerSettings; nodePaths: string[] };
}

interface Waiter {
  resolve(lease: Lease): void;
  timer?: NodeJS.Timeout;
  /** Starts another instance for this invocation if none frees up first. */
  grow?: NodeJS.Timeout;
}

/**
 * How long an invocation waits for a busy instance to free up before another instance starts for it. A cold
 * start costs 50–300 ms of CPU, and on a small machine every extra instance makes all invocations dearer
 * (bench/README.md): fast handlers are served by the warm instances, slow ones still get their own.
 */
export const GROW_AFTER_MS = 100;

/**
 * The same wait for a function on the Lambda Runtime API. Its environments take one invocation at a time, as
 * Lambda's do, so nothing can be packed behind a running one: the gateway then waits on each round trip to the
 * runtime process. Scaling out sooner keeps it busy (Python echo at C = 100: +25 % with 10 instances instead of
 * 2, bench/README.md), and comes closer to Lambda's one environment per concurrent invocation.
 */
export const RUNTIME_API_GROW_AFTER_MS = 5;

/**
 * Most invocations one instance holds at once, the running one included. Queued ones still run one at a time,
 * each with its own timeout from its start; they go in one write per turn of the event loop (bench/README.md).
 * Fewer are queued when the function's invocations take longer (`MAX_EXPECTED_QUEUE_WAIT_MS`).
 */
export const MAX_QUEUED_PER_INSTANCE = 128;

/**
 * How long at most an invocation may be expected to wait behind those queued on a busy instance (their number
 * times the function's running mean time per invocation). Beyond it, it waits in the pool for whichever instance
 * frees up first, or for a new one after `GROW_AFTER_MS`, the same wait: a handler that waits 15 ms on a remote
 * service does not queue half a second's worth of invocations in one instance while the pool could grow, and a
 * quick one fills the instance's queue, which spares wake-ups. A 20 ms bound cost posts through the SDK 40 % by
 * starting more instances, which on a small machine each spend more per post (bench/README.md).
 */
export const MAX_EXPECTED_QUEUE_WAIT_MS = GROW_AFTER_MS;

/**
 * How long at most an invocation may be expected to wait behind those queued on a busy instance for it to go
 * there rather than to an idle one. Waking an instance that slept costs far more CPU than running one more
 * invocation in one that is awake (bench/README.md), so quick handlers are served by as few instances as keep
 * up; an invocation on Lambda may wait much longer, for a cold start.
 */
export const PACK_WAIT_MS = 1;

/** Weight of the newest invocation in the pool's running mean of service times. */
const SERVICE_TIME_WEIGHT = 0.2;

/**
 * How long an instance may serve nothing before it ends. Lambda reclaims idle execution environments after some
 * minutes without saying how many (5 to 15 are commonly seen); ending them frees a long dev session's memory.
 */
export const IDLE_INSTANCE_TIMEOUT_MS = 10 * 60_000;

type Lease = PoolInstance | 'timeout' | 'closed' | LambdaError;

const isInstance = (lease: Lease): lease is PoolInstance => typeof lease === 'object' && 'run' in lease;

type Settled<T> = { type: 'settled'; value: T } | { type: 'timer' };

function raceTimer<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  if (!Number.isFinite(ms)) return promise.then((value) => ({ type: 'settled', value }));
  // One promise and one timer per invocation (Promise.race and finally cost two more on the hot path).
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ type: 'timer' }), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ type: 'settled', value });
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Heap sizes the Lambda Node.js bootstrap derives from the memory size: 10 % new space, the rest old space. */
export function memoryFlags(memorySize: number): string[] {
  const newSpace = Math.floor(memorySize / 10);
  return [`--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`, `--max-old-space-size=${memorySize - newSpace}`];
}

/**
 * The execution environments of one function: reuses warm instances, starts one more (cold start) while fewer
 * than `maxInstances` exist, queues beyond, and replaces any instance that crashed, exited or timed out.
 */
export class FunctionPool {
  private readonly instances = new Set<PoolInstance>();
  /** Instances whose init succeeded. */
  private readonly warm = new WeakSet<PoolInstance>();
  /** Warm instances that take new invocations. */
  private serving: PoolInstance[] = [];
  private waiters: Waiter[] = [];
  /** Instances existing or being created. */
  private slots = 0;
  /** Instances whose init has not finished. */
  private starting = 0;
  /** Instances started so far: the next one's number in its name. */
  private started = 0;
  private closed = false;
  private compiled: Promise<ModulePlan> | undefined;
  /** `performance.now()` when each serving instance last had nothing to do. */
  private readonly idleSince = new WeakMap<PoolInstance, number>();
  private idleSweep: NodeJS.Timeout | undefined;
  /** Whether another instance could get CPU time at all (see `CpuPressure`). */
  private readonly cpu = new CpuPressure();
  /** Running mean of the time from an invocation's start to its result, ms; unknown until the first result. */
  private serviceTimeMs = Infinity;

  constructor(private readonly options: FunctionPoolOptions) {}

  invoke(event: unknown, invokeOptions: InvokeOptions = {}): Promise<InvokeResult> {
    // The instance encodes the event; one it cannot encode fails there alone (`HandlerInstance.encodeEvent`).
    return this.invokeWith({ event: event === undefined ? null : event }, invokeOptions);
  }

  /** `invoke` with the event already JSON text (see `Invoker.invokeEncoded`). */
  invokeEncoded(eventJson: string, invokeOptions: InvokeOptions = {}): Promise<InvokeResult> {
    return this.invokeWith({ eventJson }, invokeOptions);
  }

  private async invokeWith(payload: Omit<QueuedInvocation, 'awsRequestId'>, invokeOptions: InvokeOptions): Promise<InvokeResult> {
    const started = performance.now();
    const awsRequestId = invokeOptions.awsRequestId ?? randomUUID();
    const deadlineAt = invokeOptions.deadlineMs === undefined ? Infinity : started + invokeOptions.deadlineMs;
    const functionTimeoutMs = this.options.fn.timeout * 1000;
    const elapsed = () => performance.now() - started;
    /** The instance this pass runs on, named in the result (the inspector's timeline shows it). */
    let instance: string | undefined;
    const fail = (kind: 'error' | 'timeout' | 'crash' | 'init', error: LambdaError): InvokeResult =>
      instance === undefined ? { ok: false, kind, error, durationMs: elapsed() } : { ok: false, kind, error, durationMs: elapsed(), instance };
    const timedOut = (limitMs = functionTimeoutMs) =>
      fail('timeout', buildTimeoutError(awsRequestId, Math.min(limitMs, invokeOptions.deadlineMs ?? Infinity)));

    const request: QueuedInvocation = { awsRequestId, ...payload };
    const limits = { functionTimeoutMs, deadlineAt };

    // More than one pass when the invocation is handed back unstarted (its instance ended, or was slow to get to it).
    for (let handedBack = false; ; handedBack = true) {
      if (performance.now() >= deadlineAt) return timedOut();
      // A warm instance with room is taken without a promise (the common case under load).
      const acquired = this.acquire(deadlineAt, handedBack);
      const lease = acquired instanceof Promise ? await acquired : acquired;
      if (lease === 'closed') return fail('crash', buildExitError(awsRequestId, null, 'SIGKILL'));
      if (lease === 'timeout') return timedOut();
      if (!isInstance(lease)) return fail('init', lease);
      instance = lease.id;
      let warmedUp = false;
      // A warm instance: no init to wait for (a timer and a race per invocation showed in profiles).
      if (!this.warm.has(lease) || lease.retired) {
        const init = await raceTimer<InitOutcome>(lease.ready, Math.min(INIT_TIMEOUT_MS, deadlineAt - performance.now()));
        if (init.type === 'timer') {
          await lease.kill();
          return timedOut(INIT_TIMEOUT_MS);
        }
        if (init.value.type === 'init-error') {
          void lease.kill();
          return fail('init', init.value.error);
        }
        if (init.value.type === 'exit') {
          return fail(this.closed ? 'crash' : 'init', buildExitError(awsRequestId, init.value.code, init.value.signal));
        }
        // Code changed while this instance was starting: take a fresh one.
        if (lease.retired) {
          void lease.kill();
          continue;
        }
        this.warm.add(lease);
        this.serving.push(lease);
        this.watchIdle();
        warmedUp = true;
      }
      const running = lease.run(request, limits);
      // Invocations that queued while it started may now go to it, behind this one.
      if (warmedUp) this.pump();
      const outcome = await running;
      if (outcome.type === 'recalled') continue;
      if (outcome.type === 'timeout') return timedOut();
      if (outcome.type === 'exit') return fail('crash', buildExitError(awsRequestId, outcome.code, outcome.signal));
      if (!outcome.ok) {
        if (outcome.fatal) void lease.kill();
        return fail(outcome.fatal ? 'crash' : 'error', outcome.error);
      }
      return { ok: true, value: outcome.value, durationMs: elapsed(), instance };
    }
  }

  /** How many instances exist, warm, busy and starting, and each by name, for the inspector. */
  describe(): Omit<FunctionInstances, 'functionKey'> {
    let warm = 0;
    let busy = 0;
    const instances: NonNullable<FunctionInstances['instances']> = [];
    for (const instance of this.instances) {
      const isWarm = this.warm.has(instance);
      if (isWarm) warm++;
      if (instance.load > 0) busy++;
      const state = !isWarm ? 'starting' : instance.load > 0 ? 'busy' : 'idle';
      if (instance.id !== undefined) instances.push({ id: instance.id, state });
    }
    return { warm, busy, starting: this.starting, instances };
  }

  /** Code changed: idle instances go now, busy ones after their current invocation (what is queued runs elsewhere). */
  retire(): void {
    this.compiled = undefined;
    this.serving = [];
    for (const instance of this.instances) {
      instance.retired = true;
      // One still starting belongs to the invocation waiting for it, which sees `retired` and takes a fresh one.
      if (!this.warm.has(instance)) continue;
      if (instance.load === 0) void instance.kill();
      else instance.recall();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleSweep);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      clearTimeout(waiter.grow);
      waiter.resolve('closed');
    }
    this.serving = [];
    await Promise.all([...this.instances].map((instance) => instance.kill()));
  }

  /**
   * An instance for one more invocation, the oldest first: an idle one, or (when `queue`) a busy one whose queue
   * is expected to clear within `packWaitMs`; else (when `queue`) the least loaded one whose current invocation
   * started moments ago and whose queue is expected to clear soon enough (`MAX_QUEUED_PER_INSTANCE`,
   * `MAX_EXPECTED_QUEUE_WAIT_MS`, `RECALL_AFTER_MS`). Until the function's first result its time is unknown, and
   * nothing is queued.
   */
  private select(queue: boolean): PoolInstance | undefined {
    const now = performance.now();
    let best: PoolInstance | undefined;
    for (const instance of this.serving) {
      const load = instance.load;
      if (load === 0) {
        if (instance.isServing) return instance;
      } else if (queue && load < MAX_QUEUED_PER_INSTANCE && instance.acceptsQueued(now)) {
        const expectedWaitMs = load * this.serviceTimeMs;
        if (expectedWaitMs <= this.options.packWaitMs) return instance;
        if (expectedWaitMs <= MAX_EXPECTED_QUEUE_WAIT_MS && (!best || load < best.load)) best = instance;
      }
    }
    return best;
  }

  private recordServiceTime(ms: number): void {
    const mean = this.serviceTimeMs;
    this.serviceTimeMs = Number.isFinite(mean) ? mean + SERVICE_TIME_WEIGHT * (ms - mean) : ms;
  }

  private acquire(deadlineAt: number, first: boolean): PoolInstance | Promise<Lease> {
    if (this.closed) return Promise.resolve('closed');
    const { maxInstances, growAfterMs } = this.options;
    // growAfterMs 0 asks for Lambda's scale-out: an invocation waits behind another only when no slot is left.
    const scaleOutNow = growAfterMs === 0 && this.slots < maxInstances;
    const instance = this.select(!scaleOutNow);
    if (instance) {
      instance.reserve();
      return instance;
    }
    if (this.slots === 0 || scaleOutNow) return this.startInstance();
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve };
      if (Number.isFinite(deadlineAt)) {
        waiter.timer = setTimeout(() => {
          clearTimeout(waiter.grow);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve('timeout');
        }, deadlineAt - performance.now());
      }
      if (this.slots < maxInstances) waiter.grow = setTimeout(() => this.growFor(waiter), growAfterMs);
      // One handed back keeps its place ahead of those that came later.
      if (first) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
    });
  }

  /**
   * No instance freed up in time for a queued invocation: it gets a new one, while slots remain. One cold start
   * at a time: while one runs, parallel ones would only compete with it for the CPU.
   */
  private growFor(waiter: Waiter): void {
    if (this.closed || this.slots >= this.options.maxInstances) return;
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    if (this.starting > 0 || this.cpu.saturated(this.slots)) {
      waiter.grow = setTimeout(() => this.growFor(waiter), this.options.growAfterMs);
      return;
    }
    this.waiters.splice(index, 1);
    clearTimeout(waiter.timer);
    void this.startInstance().then(waiter.resolve);
  }

  /** An instance has room again: queued invocations go to it (or to another with room). */
  private settled(instance: PoolInstance): void {
    if (this.closed) return;
    if (instance.retired) {
      if (instance.load === 0) void instance.kill();
      return;
    }
    this.pump();
    if (instance.load === 0) this.idleSince.set(instance, performance.now());
  }

  /** Ends instances idle for `idleTimeoutMs`; one unref'd timer per pool while it has instances. */
  private watchIdle(): void {
    const { idleTimeoutMs } = this.options;
    if (this.idleSweep || !Number.isFinite(idleTimeoutMs)) return;
    this.idleSweep = setInterval(() => {
      const now = performance.now();
      for (const instance of this.serving) {
        if (instance.load > 0 || now - (this.idleSince.get(instance) ?? now) < idleTimeoutMs) continue;
        this.serving = this.serving.filter((i) => i !== instance);
        void instance.kill();
      }
      if (this.serving.length === 0) {
        clearInterval(this.idleSweep);
        this.idleSweep = undefined;
      }
    }, Math.max(10, Math.min(idleTimeoutMs / 4, 30_000)));
    this.idleSweep.unref();
  }

  private pump(): void {
    while (this.waiters.length > 0) {
      const instance = this.select(true);
      if (!instance) return;
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      clearTimeout(waiter.grow);
      instance.reserve();
      waiter.resolve(instance);
    }
  }

  /** A slot freed up (an instance ended): a queued invocation gets a new instance. */
  private forget(instance: PoolInstance): void {
    this.instances.delete(instance);
    this.serving = this.serving.filter((i) => i !== instance);
    this.slots--;
    const waiter = this.closed ? undefined : this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      clearTimeout(waiter.grow);
      void this.startInstance().then(waiter.resolve);
    }
  }

  private async startInstance(): Promise<PoolInstance | 'closed' | LambdaError> {
    this.slots++;
    const id = `${this.options.fn.key}#${++this.started}`;
    if (this.options.launch) return this.launchInstance(this.options.launch, id);
    const { fn, serviceDir, reference } = this.options;
    let plan: ModulePlan;
    let runnerPath: string;
    try {
      [runnerPath, plan] = await Promise.all([locateRunner(), this.planModule()]);
    } catch (err) {
      this.slots--;
      return { errorType: 'Runtime.InitError', errorMessage: `wsgate could not prepare the handler: ${String(err)}` };
    }
    if (this.closed) {
      this.slots--;
      return 'closed';
    }
    const invokeData = {
      timeoutMs: fn.timeout * 1000,
      invokedFunctionArn: this.options.invokedFunctionArn,
      ...(this.options.attributeLogs ? { attributeLogs: true } : {}),
    };
    const init: InitMessage =
      plan.kind === 'load'
        ? { type: 'init', file: plan.file, loader: plan.loader, exportPath: reference.exportPath, handler: reference.handler, ...invokeData }
        : {
            type: 'init',
            handler: reference.handler,
            initError: plan.kind === 'missing' ? plan.error : { errorType: 'Runtime.InitError', errorMessage: 'not compiled' },
            ...invokeData,
          };
    const instance = new HandlerInstance({
      id,
      functionKey: fn.key,
      program: {
        runnerPath,
        execArgv: [
          ...memoryFlags(fn.memorySize),
          ...(plan.kind === 'load' && plan.compiled ? ['--enable-source-maps'] : []),
          ...(this.options.inspectPort !== undefined ? [`--inspect=127.0.0.1:${this.options.inspectPort}`] : []),
        ],
      },
      env: { ...this.options.env, AWS_LAMBDA_LOG_STREAM_NAME: createLogStreamName() },
      cwd: serviceDir,
      batchScheduling: this.options.batchScheduling,
      init,
      onLog: this.options.onLog,
      onSettled: (settled) => this.settled(settled),
      onCpuUsed: (micros) => this.cpu.record(micros),
      onServiceTime: (ms) => this.recordServiceTime(ms),
    });
    return this.track(instance);
  }

  private async launchInstance(launch: InstanceLauncher, id: string): Promise<PoolInstance | 'closed' | LambdaError> {
    const launched = await launch({
      id,
      env: { ...this.options.env, AWS_LAMBDA_LOG_STREAM_NAME: createLogStreamName() },
      onSettled: (settled) => this.settled(settled),
      onCpuUsed: (micros) => this.cpu.record(micros),
      onServiceTime: (ms) => this.recordServiceTime(ms),
    });
    if (!('run' in launched)) {
      this.slots--;
      return launched;
    }
    if (this.closed) {
      this.slots--;
      void launched.kill();
      return 'closed';
    }
    launched.id = id;
    return this.track(launched);
  }

  private track(instance: PoolInstance): PoolInstance {
    this.instances.add(instance);
    this.starting++;
    void instance.ready.then(() => this.starting--);
    void instance.exited.then(() => this.forget(instance));
    return instance;
  }

  private planModule(): Promise<ModulePlan> {
    const { reference, serviceDir, fn } = this.options;
    const plan = resolveHandlerModule(reference, serviceDir);
    const bundler = this.options.bundler;
    const bundled = bundler !== undefined && plan.kind !== 'missing' && !plan.file.split(path.sep).includes('node_modules');
    if (plan.kind !== 'typescript' && !bundled) return Promise.resolve(plan);
    if (!this.compiled) {
      const format = plan.kind === 'typescript' ? plan.format : 'cjs';
      const compiling = compileTypescriptHandler(plan.file, format, serviceDir, fn.key.replace(/[^A-Za-z0-9_-]/g, '_'), bundled ? bundler : undefined);
      this.compiled = compiling;
      // A failed compile is retried by the next cold start, as Lambda retries a failed init.
      void compiling.then(
        (result) => result.kind === 'missing' && this.compiled === compiling && (this.compiled = undefined),
        () => this.compiled === compiling && (this.compiled = undefined),
      );
    }
    return this.compiled;
  }
}
