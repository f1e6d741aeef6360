import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { preferBatchScheduling } from './batch-scheduling.js';
import type { HandlerLogEntry } from './node-invoker.js';
import { formatInvocationLine, INVOCATIONS_FD, LOG_TAG_END, LOG_TAG_ENDED, LOG_TAG_START, type ChildMessage, type InitMessage, type LambdaError, type ResultMessage } from './runner/protocol.js';

const GROUP_KILL = process.platform !== 'win32';

/**
 * Processes of instances still running. If this process exits without closing the invoker (a second Ctrl-C,
 * process.exit), they are killed on the way out: a handler busy in an endless loop never notices that its IPC
 * channel closed, and would spin on as an orphan.
 */
const livePids = new Set<number>();
let exitHookInstalled = false;

/** Kills the process group of `pid` if this process exits first (see `livePids`). */
export function killOnExit(pid: number): void {
  livePids.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const livePid of livePids) killGroup(livePid);
  });
}

/** The process ended: nothing to kill on exit. */
export function forgetOnExit(pid: number): void {
  livePids.delete(pid);
}

function killGroup(pid: number): void {
  try {
    process.kill(GROUP_KILL ? -pid : pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export interface HandlerInstanceOptions {
  /** Its name in the pool (`echo#2`), on its log lines. */
  id: string;
  functionKey: string;
  /**
   * The Node runner with its Node options, or another program that speaks the runner's protocol (the bundled
   * Python runtime's channel mode): the same pipes, invocations on `INVOCATIONS_FD`, JSON lines on the IPC channel.
   */
  program: { runnerPath: string; execArgv: string[] } | { command: string; args: string[] };
  env: Record<string, string>;
  cwd: string;
  /** Run the process under SCHED_BATCH where the platform has it (`preferBatchScheduling`). */
  batchScheduling: boolean;
  init: InitMessage;
  onLog: (entry: HandlerLogEntry) => void;
  /** An invocation ended or was handed back: the instance has room for more. */
  onSettled: (instance: HandlerInstance) => void;
  /** CPU time (µs) the process used since its previous result, as the runner measured it. */
  onCpuUsed?: (micros: number) => void;
  /** How long an invocation took from its start to its result, ms, as this side saw it. */
  onServiceTime?: (ms: number) => void;
}

export interface ExitOutcome {
  type: 'exit';
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type InitOutcome = { type: 'ready' } | { type: 'init-error'; error: LambdaError } | ExitOutcome;
/**
 * `timeout`: it outlived `limitMs` and the instance was killed; `recalled`: it never started (it was queued behind
 * a slow invocation, or the instance ended first) and should run elsewhere.
 */
export type RunOutcome = ResultMessage | ExitOutcome | { type: 'timeout'; limitMs: number } | { type: 'recalled' };

export interface RunLimits {
  functionTimeoutMs: number;
  /** `performance.now()` by which the caller's deadline passes (Infinity for none); counts queueing too. */
  deadlineAt: number;
}

/**
 * How long the running invocation may take before the invocations queued behind it are handed back to run
 * elsewhere (and before no more are queued behind it): Lambda would run them at once in other environments.
 */
export const RECALL_AFTER_MS = 20;

/** One invocation for the runner: its event as an object, or already as JSON text (`Invoker.invokeEncoded`). */
export interface QueuedInvocation {
  awsRequestId: string;
  event?: unknown;
  eventJson?: string;
}

interface Pending {
  request: QueuedInvocation;
  limits: RunLimits;
  resolve(outcome: RunOutcome): void;
  /** Written to the runner (otherwise still in the outbox). */
  sent: boolean;
  /** At the head of the runner's queue while the process lived: it is the one running. */
  started: boolean;
  limitMs: number;
  /** `performance.now()` at its start. */
  startedAt: number;
}

/**
 * One execution environment: a child process running the runner, which loads the handler once and runs one
 * invocation at a time. Invocations may be queued in the runner ahead of time (pipelining): everything queued in
 * one turn of the event loop goes in one write, which spares a wake-up of the process per invocation. Timeouts
 * count from each invocation's start; what never started is handed back (`recalled`) when the process ends or the
 * running invocation is slow.
 */
export class HandlerInstance {
  readonly id: string;
  readonly child: ChildProcess;
  /** The runner's `INVOCATIONS_FD`. */
  private readonly invocationsPipe: Writable;
  /** Settles once the process has exited and its IPC channel is drained. */
  readonly exited: Promise<ExitOutcome>;
  readonly ready: Promise<InitOutcome>;
  /** Set when watch mode asked for fresh code: the instance serves nothing more. */
  retired = false;
  /** Slots promised to callers that will call `run` shortly. */
  private reserved = 0;
  /** In the runner's order; the first is the running one once started. */
  private pending: Pending[] = [];
  private outbox: Pending[] = [];
  private flushScheduled = false;
  private headStartedAt = 0;
  /** One timer for the running invocation's timeout, re-armed only when it fires or must fire sooner. */
  private headTimer: NodeJS.Timeout | undefined;
  private headTimerDue = Infinity;
  private recallTimer: NodeJS.Timeout | undefined;
  private recalling = false;
  /** Killed or timed out: waiting for the process to end. */
  private dying = false;
  private timedOut: Pending | undefined;
  /** The runner's CPU time as of its last result, µs. */
  private cpuReported = 0;
  private settleReady!: (outcome: InitOutcome) => void;
  private exitOutcome: ExitOutcome | undefined;

  constructor(private readonly options: HandlerInstanceOptions) {
    this.id = options.id;
    const spawnOptions = {
      cwd: options.cwd,
      env: options.env,
      // The IPC channel, then the invocations pipe at the runner's INVOCATIONS_FD.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'] as ('ignore' | 'pipe' | 'ipc')[],
      serialization: 'json' as const,
      // Its own process group: Ctrl-C in the terminal reaches the gateway only (which then runs $disconnect
      // handlers on live instances), and a kill takes the processes the handler started along.
      detached: GROUP_KILL,
    };
    const { program } = options;
    this.child =
      'runnerPath' in program
        ? fork(program.runnerPath, [], { ...spawnOptions, execArgv: program.execArgv })
        : spawn(program.command, program.args, spawnOptions);
    this.invocationsPipe = this.child.stdio[INVOCATIONS_FD] as Writable;
    // A write to a process that just ended fails here; its exit settles what the write carried.
    this.invocationsPipe.on('error', ignoreSendError);
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: this.child[stream]!, crlfDelay: Infinity });
      lines.on('line', (line) => options.onLog(this.logEntry(stream, line)));
    }
    this.child.on('message', (message: unknown) => this.receive(message));
    const pid = this.child.pid;
    if (pid !== undefined) killOnExit(pid);
    if (pid !== undefined && options.batchScheduling) preferBatchScheduling(pid);
    this.exited = new Promise((resolve) => {
      let exit: ExitOutcome | undefined;
      let drained = !this.child.connected;
      const settle = () => {
        if (!exit || !drained || this.exitOutcome) return;
        this.exitOutcome = exit;
        this.settleReady(exit);
        this.settleAfterExit(exit);
        resolve(exit);
      };
      // Messages sent just before exiting arrive before the channel's end, but possibly after 'exit'.
      this.child.once('disconnect', () => {
        drained = true;
        settle();
      });
      this.child.once('exit', (code, signal) => {
        exit = { type: 'exit', code, signal };
        if (pid !== undefined) livePids.delete(pid);
        // Whatever the handler started dies with its environment, as in Lambda.
        if (GROUP_KILL && this.child.pid !== undefined) {
          try {
            process.kill(-this.child.pid, 'SIGKILL');
          } catch {
            // No process of the group is left.
          }
        }
        drained ||= !this.child.connected;
        settle();
      });
      this.child.on('error', () => {
        // Only a process that never started ends here: after a failed send or kill, the real 'exit' follows.
        if (this.child.pid !== undefined) return;
        exit ??= { type: 'exit', code: null, signal: null };
        drained = true;
        settle();
      });
    });
    this.send(options.init);
  }

  /**
   * A line tagged by the runner (`attributeLogs`) is the tagged invocation's, also when written after it answered
   * (late); an untagged one is the running invocation's, if one runs.
   */
  private logEntry(stream: 'stdout' | 'stderr', line: string): HandlerLogEntry {
    const entry: HandlerLogEntry = { functionKey: this.options.functionKey, stream, line, instance: this.id };
    const tagEnd = line.startsWith(LOG_TAG_START) ? line.indexOf(LOG_TAG_END) : -1;
    if (tagEnd > 0) {
      entry.line = line.slice(tagEnd + 1);
      entry.awsRequestId = line.slice(2, tagEnd);
      if (line[1] === LOG_TAG_ENDED) entry.late = true;
      return entry;
    }
    const head = this.pending[0];
    if (head?.started) entry.awsRequestId = head.request.awsRequestId;
    return entry;
  }

  get isAlive(): boolean {
    return this.exitOutcome === undefined;
  }

  /** Invocations queued, running or promised. */
  get load(): number {
    return this.pending.length + this.reserved;
  }

  /** Takes invocations: warm code, not ending. */
  get isServing(): boolean {
    return !this.dying && !this.retired && this.isAlive;
  }

  /** Whether more invocations may be queued behind the current ones: the running one started moments ago. */
  acceptsQueued(now: number): boolean {
    return this.isServing && !this.recalling && now - this.headStartedAt < RECALL_AFTER_MS;
  }

  reserve(): void {
    this.reserved++;
  }

  unreserve(): void {
    if (this.reserved > 0) this.reserved--;
  }

  /** Queue one invocation (after any reserved by `reserve`); settles with its outcome. */
  run(request: QueuedInvocation, limits: RunLimits): Promise<RunOutcome> {
    this.unreserve();
    if (this.dying || !this.isAlive) return Promise.resolve({ type: 'recalled' });
    return new Promise((resolve) => {
      const entry: Pending = { request, limits, resolve, sent: false, started: false, limitMs: 0, startedAt: 0 };
      this.pending.push(entry);
      this.outbox.push(entry);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
      if (this.pending.length === 1) this.startHead();
      else this.armRecall();
    });
  }

  /** Hand back what is queued but not running (the running invocation goes on). */
  recall(): void {
    if (this.pending.length <= 1 || this.recalling || this.dying) return;
    const unsent = this.pending.filter((entry, index) => index > 0 && !entry.sent);
    if (unsent.length > 0) {
      this.pending = this.pending.filter((entry) => !unsent.includes(entry));
      this.outbox = this.outbox.filter((entry) => !unsent.includes(entry));
      for (const entry of unsent) entry.resolve({ type: 'recalled' });
    }
    if (this.pending.length > 1) {
      this.recalling = true;
      this.send({ type: 'recall' });
    }
    if (unsent.length > 0) this.options.onSettled(this);
  }

  /** End the process at once (SIGKILL, like Lambda discarding an environment) and wait until it is gone. */
  async kill(): Promise<ExitOutcome> {
    this.dying = true;
    if (this.isAlive && this.child.pid !== undefined) {
      try {
        if (GROUP_KILL) process.kill(-this.child.pid, 'SIGKILL');
        else this.child.kill('SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }
    return this.exited;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0 || this.dying) return;
    const entries = this.outbox;
    this.outbox = [];
    let lines = '';
    for (const entry of entries) {
      const eventJson = entry.request.eventJson ?? this.encodeEvent(entry);
      if (eventJson === undefined) continue;
      entry.sent = true;
      lines += formatInvocationLine(entry.request.awsRequestId, eventJson);
    }
    // One write for all of them: one wake-up of the runner.
    if (lines !== '') this.invocationsPipe.write(lines);
  }

  /**
   * The event's JSON text. An event JSON cannot encode (cyclic, or a BigInt: only a library caller can pass one)
   * fails alone with Lambda's error for an unreadable payload, and the others go on.
   */
  private encodeEvent(entry: Pending): string | undefined {
    try {
      return JSON.stringify(entry.request.event) ?? 'null';
    } catch (err) {
      const wasHead = this.pending[0] === entry;
      this.pending = this.pending.filter((pending) => pending !== entry);
      const error = { errorType: 'InvalidRequestContentException', errorMessage: String(err) };
      entry.resolve({ type: 'result', awsRequestId: entry.request.awsRequestId, ok: false, error });
      if (wasHead && this.pending.length > 0) this.startHead();
      this.options.onSettled(this);
      return undefined;
    }
  }

  private send(message: object): void {
    try {
      // With a callback, a send to a process that just exited fails there instead of as an 'error' event, which
      // would otherwise stand in for the exit and lose its code (`exit status 3` became "without a reason").
      this.child.send(message, ignoreSendError);
    } catch {
      // The channel closed under us: the exit settles what is pending.
    }
  }

  private startHead(): void {
    const head = this.pending[0]!;
    const now = performance.now();
    head.started = true;
    this.headStartedAt = now;
    head.startedAt = now;
    head.limitMs = Math.min(head.limits.functionTimeoutMs, head.limits.deadlineAt - now);
    // A timer per invocation showed in profiles: the one armed for an earlier invocation serves while it is due
    // no later than this one's deadline, and then checks whoever is running.
    if (Number.isFinite(head.limitMs) && now + head.limitMs < this.headTimerDue) this.armHeadTimer(now + head.limitMs);
    if (this.pending.length > 1) this.armRecall();
  }

  private armHeadTimer(due: number): void {
    clearTimeout(this.headTimer);
    this.headTimerDue = due;
    this.headTimer = setTimeout(() => this.checkHead(), Math.max(0, due - performance.now()));
  }

  private checkHead(): void {
    this.headTimer = undefined;
    this.headTimerDue = Infinity;
    const head = this.pending[0];
    if (!head?.started || this.dying || !Number.isFinite(head.limitMs)) return;
    const due = head.startedAt + head.limitMs;
    if (performance.now() >= due) this.timeOut(head);
    else this.armHeadTimer(due);
  }

  private timeOut(head: Pending): void {
    if (this.pending[0] !== head || this.dying) return;
    this.pending.shift();
    this.timedOut = head;
    void this.kill();
  }

  private armRecall(): void {
    if (this.recallTimer || this.dying) return;
    const wait = Math.max(0, this.headStartedAt + RECALL_AFTER_MS - performance.now());
    this.recallTimer = setTimeout(() => {
      this.recallTimer = undefined;
      if (this.pending.length <= 1) return;
      if (performance.now() - this.headStartedAt >= RECALL_AFTER_MS) this.recall();
      else this.armRecall();
    }, wait);
    this.recallTimer.unref();
  }

  private settleAfterExit(exit: ExitOutcome): void {
    clearTimeout(this.headTimer);
    clearTimeout(this.recallTimer);
    this.recallTimer = undefined;
    this.timedOut?.resolve({ type: 'timeout', limitMs: this.timedOut.limitMs });
    this.timedOut = undefined;
    // Only the head can have been running; the rest never started and may run elsewhere.
    for (const entry of this.pending.splice(0)) entry.resolve(entry.started && entry.sent ? exit : { type: 'recalled' });
    this.outbox = [];
  }

  private receive(message: unknown): void {
    // Handler code can call process.send() too: anything but the runner's messages is ignored, never thrown on.
    if (!isChildMessage(message)) return;
    if (message.type === 'ready' || message.type === 'init-error') {
      if (message.type === 'ready' && message.cpuMicros !== undefined) this.cpuReported = message.cpuMicros;
      this.settleReady(message);
    } else if (message.type === 'result') this.receiveResult(message);
    else this.receiveRecalled(message.awsRequestIds);
  }

  private receiveResult(message: ResultMessage): void {
    if (this.timedOut?.request.awsRequestId === message.awsRequestId) {
      // Answered as the timeout struck: the runner has moved on to the next one, which dies with the process.
      const next = this.pending[0];
      if (next) next.started = true;
      return;
    }
    const head = this.pending[0];
    if (!head || head.request.awsRequestId !== message.awsRequestId) return;
    this.pending.shift();
    if (message.cpuMicros !== undefined) {
      // Counted from the end of the cold start (the ready message), which says nothing about the handler.
      if (this.cpuReported > 0) this.options.onCpuUsed?.(message.cpuMicros - this.cpuReported);
      this.cpuReported = message.cpuMicros;
    }
    this.options.onServiceTime?.(performance.now() - head.startedAt);
    head.resolve(message);
    if (this.dying) {
      const next = this.pending[0];
      if (next) next.started = true;
      return;
    }
    if (this.pending.length > 0) this.startHead();
    this.options.onSettled(this);
  }

  private receiveRecalled(awsRequestIds: string[]): void {
    // Only the answer to our own recall counts (handler code can process.send() anything).
    if (!this.recalling) return;
    this.recalling = false;
    const ids = new Set(awsRequestIds);
    const recalled = this.pending.filter((entry, index) => index > 0 && ids.has(entry.request.awsRequestId));
    this.pending = this.pending.filter((entry) => !recalled.includes(entry));
    for (const entry of recalled) entry.resolve({ type: 'recalled' });
    if (!this.dying) this.options.onSettled(this);
  }
}

/** A failed send needs no handling: the process's exit settles whatever it carried. */
function ignoreSendError(): void {}

function isChildMessage(message: unknown): message is ChildMessage {
  if (message === null || typeof message !== 'object') return false;
  const { type } = message as { type?: unknown };
  return type === 'ready' || type === 'init-error' || type === 'result' || type === 'recalled';
}
