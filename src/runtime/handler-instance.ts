import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { HandlerLogEntry } from './node-invoker.js';
import type { ChildMessage, InitMessage, InvokeMessage, LambdaError, ResultMessage } from './runner/protocol.js';

const GROUP_KILL = process.platform !== 'win32';

/**
 * Processes of instances still running. If this process exits without closing the invoker (a second Ctrl-C,
 * process.exit), they are killed on the way out: a handler busy in an endless loop never notices that its IPC
 * channel closed, and would spin on as an orphan.
 */
const livePids = new Set<number>();
let exitHookInstalled = false;

function killOnExit(pid: number): void {
  livePids.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const livePid of livePids) killGroup(livePid);
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(GROUP_KILL ? -pid : pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export interface HandlerInstanceOptions {
  functionKey: string;
  runnerPath: string;
  execArgv: string[];
  env: Record<string, string>;
  cwd: string;
  init: InitMessage;
  onLog: (entry: HandlerLogEntry) => void;
}

export interface ExitOutcome {
  type: 'exit';
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type InitOutcome = { type: 'ready' } | { type: 'init-error'; error: LambdaError } | ExitOutcome;
export type RunOutcome = ResultMessage | ExitOutcome;

/**
 * One execution environment: a child process running the runner, which loads the handler once and serves one
 * invocation at a time. The pool decides timeouts and replacement; this class only talks to the process.
 */
export class HandlerInstance {
  readonly child: ChildProcess;
  /** Settles once the process has exited and its IPC channel is drained. */
  readonly exited: Promise<ExitOutcome>;
  readonly ready: Promise<InitOutcome>;
  /** Set when watch mode asked for fresh code: the instance serves nothing more. */
  retired = false;
  private running: ((outcome: RunOutcome) => void) | undefined;
  private runningRequestId: string | undefined;
  private settleReady!: (outcome: InitOutcome) => void;
  private exitOutcome: ExitOutcome | undefined;

  constructor(options: HandlerInstanceOptions) {
    this.child = fork(options.runnerPath, [], {
      cwd: options.cwd,
      env: options.env,
      execArgv: options.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      // Its own process group: Ctrl-C in the terminal reaches the gateway only (which then runs $disconnect
      // handlers on live instances), and a kill takes the processes the handler started along.
      detached: GROUP_KILL,
    });
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: this.child[stream]!, crlfDelay: Infinity });
      lines.on('line', (line) => options.onLog({ functionKey: options.functionKey, stream, line }));
    }
    this.child.on('message', (message: unknown) => this.receive(message));
    const pid = this.child.pid;
    if (pid !== undefined) killOnExit(pid);
    this.exited = new Promise((resolve) => {
      let exit: ExitOutcome | undefined;
      let drained = !this.child.connected;
      const settle = () => {
        if (!exit || !drained) return;
        this.exitOutcome = exit;
        this.settleReady(exit);
        this.running?.(exit);
        this.running = undefined;
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
        exit ??= { type: 'exit', code: null, signal: null };
        drained = true;
        settle();
      });
    });
    try {
      this.child.send(options.init);
    } catch {
      // The process could not start: its 'error'/'exit' settles `ready`.
    }
  }

  get isAlive(): boolean {
    return this.exitOutcome === undefined;
  }

  private receive(message: unknown): void {
    // Handler code can call process.send() too: anything but the runner's messages is ignored, never thrown on.
    if (!isChildMessage(message)) return;
    if (message.type === 'ready' || message.type === 'init-error') this.settleReady(message);
    else if (message.type === 'result') {
      if (message.awsRequestId !== this.runningRequestId) return;
      const running = this.running;
      this.running = undefined;
      running?.(message);
    }
  }

  /** Run one invocation; settles with the runner's result, or with the exit if the process ends first. */
  run(message: InvokeMessage): Promise<RunOutcome> {
    if (this.exitOutcome) return Promise.resolve(this.exitOutcome);
    return new Promise((resolve) => {
      this.running = resolve;
      this.runningRequestId = message.awsRequestId;
      try {
        this.child.send(message);
      } catch {
        // The channel closed under us: the exit outcome follows.
      }
    });
  }

  /** End the process at once (SIGKILL, like Lambda discarding an environment) and wait until it is gone. */
  async kill(): Promise<ExitOutcome> {
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
}

function isChildMessage(message: unknown): message is ChildMessage {
  if (message === null || typeof message !== 'object') return false;
  const { type } = message as { type?: unknown };
  return type === 'ready' || type === 'init-error' || type === 'result';
}
