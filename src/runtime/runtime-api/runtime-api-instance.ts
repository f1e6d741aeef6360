import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { preferBatchScheduling } from '../batch-scheduling.js';
import { forgetOnExit, killOnExit, type ExitOutcome, type InitOutcome, type QueuedInvocation, type RunLimits, type RunOutcome } from '../handler-instance.js';
import type { HandlerLogEntry } from '../node-invoker.js';
import type { InstanceHooks, PoolInstance } from '../pool-instance.js';
import type { LambdaError } from '../runner/protocol.js';
import { MAX_RESPONSE_BYTES } from '../runner/response-size.js';

const GROUP_KILL = process.platform !== 'win32';
const PREFIX = '/2018-06-01/runtime/';

export interface RuntimeApiProcess {
  command: string;
  args: string[];
  cwd: string;
}

export interface RuntimeApiInstanceOptions extends InstanceHooks {
  functionKey: string;
  process: RuntimeApiProcess;
  invokedFunctionArn: string;
  /** The function's timeout, ms: the deadline an invocation without one gets. */
  timeoutMs: number;
  batchScheduling: boolean;
  onLog: (entry: HandlerLogEntry) => void;
}

interface Pending {
  request: QueuedInvocation;
  limitMs: number;
  startedAt: number;
  delivered: boolean;
  resolve(outcome: RunOutcome): void;
}

/** Random bytes drawn 4 KiB at a time: one call into OpenSSL per invocation cost a twentieth of the gateway's time. */
let entropy = Buffer.alloc(0);
let entropyOffset = 0;
function randomHex(bytes: number): string {
  if (entropyOffset + bytes > entropy.length) {
    entropy = randomBytes(4096);
    entropyOffset = 0;
  }
  entropyOffset += bytes;
  return entropy.toString('hex', entropyOffset - bytes, entropyOffset);
}

/** X-Ray's trace header format, as Lambda passes it in `Lambda-Runtime-Trace-Id` (sampling off locally). */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}

function reply(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const ACCEPTED_BODY = JSON.stringify({ status: 'OK' });
const ACCEPTED_HEADERS = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(ACCEPTED_BODY) };

/** The Runtime API's 202 to a result or an init error, the same every time. */
function accepted(res: ServerResponse): void {
  res.writeHead(202, ACCEPTED_HEADERS);
  res.end(ACCEPTED_BODY);
}

/** Lambda's answer to a runtime that calls the API out of turn. */
const invalidState = (res: ServerResponse, message: string) => reply(res, 403, { errorMessage: message, errorType: 'InvalidStateTransition' });

/**
 * One execution environment of a function that runs outside Node's runner: its own Lambda Runtime API on
 * 127.0.0.1 (a free port, in `AWS_LAMBDA_RUNTIME_API`) and the process that polls it (a `bootstrap`, or the
 * bundled Python bootstrap). One invocation at a time, as in Lambda: none is queued in the process ahead of time.
 * Init ends with the runtime's first `invocation/next`.
 */
export class RuntimeApiInstance implements PoolInstance {
  readonly ready: Promise<InitOutcome>;
  readonly exited: Promise<ExitOutcome>;
  retired = false;
  private child: ChildProcess | undefined;
  private reserved = 0;
  private current: Pending | undefined;
  private parkedNext: ServerResponse | undefined;
  private initDone = false;
  private dying = false;
  private corked = false;
  private timer: NodeJS.Timeout | undefined;
  private timedOut: Pending | undefined;
  private exitOutcome: ExitOutcome | undefined;
  private settleReady!: (outcome: InitOutcome) => void;
  private settleExited!: (outcome: ExitOutcome) => void;

  private constructor(
    private readonly options: RuntimeApiInstanceOptions,
    private readonly server: Server,
  ) {
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    this.exited = new Promise((resolve) => (this.settleExited = resolve));
  }

  /** Opens the instance's Runtime API, then starts the runtime process against it. */
  static async start(options: RuntimeApiInstanceOptions): Promise<RuntimeApiInstance> {
    const server = createServer();
    // A runtime long-polls `invocation/next` for as long as no invocation comes.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 0;
    server.timeout = 0;
    const instance = new RuntimeApiInstance(options, server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => instance.route(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // exclusive: in a worker of `wsgate dev --workers`, a shared listen(0) would get the port of the other workers' servers.
      server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve());
    });
    instance.spawnRuntime((server.address() as AddressInfo).port);
    return instance;
  }

  get isAlive(): boolean {
    return this.exitOutcome === undefined;
  }

  get load(): number {
    return (this.current ? 1 : 0) + this.reserved;
  }

  get isServing(): boolean {
    return !this.dying && !this.retired && this.isAlive;
  }

  /** Nothing waits inside a Runtime API environment: the pool holds what is queued. */
  acceptsQueued(): boolean {
    return false;
  }

  reserve(): void {
    this.reserved++;
  }

  unreserve(): void {
    if (this.reserved > 0) this.reserved--;
  }

  recall(): void {}

  run(request: QueuedInvocation, limits: RunLimits): Promise<RunOutcome> {
    this.unreserve();
    if (this.dying || !this.isAlive || this.current) return Promise.resolve({ type: 'recalled' });
    return new Promise((resolve) => {
      const startedAt = performance.now();
      const limitMs = Math.min(limits.functionTimeoutMs, limits.deadlineAt - startedAt);
      const entry: Pending = { request, limitMs, startedAt, delivered: false, resolve };
      this.current = entry;
      if (Number.isFinite(limitMs)) this.timer = setTimeout(() => this.timeOut(entry), Math.max(0, limitMs));
      const parked = this.parkedNext;
      if (parked) {
        this.parkedNext = undefined;
        this.deliver(parked, entry);
      }
    });
  }

  async kill(): Promise<ExitOutcome> {
    this.dying = true;
    const pid = this.child?.pid;
    if (this.isAlive && pid !== undefined) {
      try {
        process.kill(GROUP_KILL ? -pid : pid, 'SIGKILL');
      } catch {
        this.child?.kill('SIGKILL');
      }
    } else if (this.isAlive && !this.child) {
      this.settleExit({ type: 'exit', code: null, signal: 'SIGKILL' });
    }
    return this.exited;
  }

  private spawnRuntime(port: number): void {
    const { command, args, cwd } = this.options.process;
    const child = spawn(command, args, {
      cwd,
      env: { ...this.options.env, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that a kill takes what the runtime started (curl, workers) along.
      detached: GROUP_KILL,
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: child[stream]!, crlfDelay: Infinity });
      lines.on('line', (line) => this.options.onLog({ functionKey: this.options.functionKey, stream, line }));
    }
    if (child.pid !== undefined) killOnExit(child.pid);
    if (child.pid !== undefined && this.options.batchScheduling) preferBatchScheduling(child.pid);
    child.once('exit', (code, signal) => {
      if (child.pid !== undefined) forgetOnExit(child.pid);
      if (GROUP_KILL && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // No process of the group is left.
        }
      }
      this.settleExit({ type: 'exit', code, signal });
    });
    child.on('error', () => {
      // Only a process that never started ends here; otherwise the real 'exit' follows.
      if (child.pid === undefined) this.settleExit({ type: 'exit', code: null, signal: null });
    });
  }

  private settleExit(exit: ExitOutcome): void {
    if (this.exitOutcome) return;
    this.exitOutcome = exit;
    clearTimeout(this.timer);
    this.settleReady(exit);
    if (this.timedOut) this.timedOut.resolve({ type: 'timeout', limitMs: this.timedOut.limitMs });
    const entry = this.current;
    this.current = undefined;
    if (entry) entry.resolve(entry.delivered ? exit : { type: 'recalled' });
    this.parkedNext?.destroy();
    this.server.close();
    this.server.closeAllConnections();
    this.settleExited(exit);
  }

  private timeOut(entry: Pending): void {
    if (this.current !== entry || this.dying) return;
    this.current = undefined;
    this.timedOut = entry;
    void this.kill();
  }

  private deliver(res: ServerResponse, entry: Pending): void {
    let body = entry.request.eventJson;
    if (body === undefined) {
      try {
        body = JSON.stringify(entry.request.event) ?? 'null';
      } catch (err) {
        this.parkedNext = res;
        const error = { errorType: 'InvalidRequestContentException', errorMessage: String(err) };
        this.finish(entry, { type: 'result', awsRequestId: entry.request.awsRequestId, ok: false, error });
        return;
      }
    }
    entry.delivered = true;
    const deadline = Date.now() + (Number.isFinite(entry.limitMs) ? entry.limitMs : this.options.timeoutMs);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'Lambda-Runtime-Aws-Request-Id': entry.request.awsRequestId,
      'Lambda-Runtime-Deadline-Ms': String(Math.floor(deadline)),
      'Lambda-Runtime-Invoked-Function-Arn': this.options.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id': traceId(),
    });
    res.end(body);
  }

  private finish(entry: Pending, outcome: RunOutcome): void {
    clearTimeout(this.timer);
    this.current = undefined;
    this.options.onServiceTime(performance.now() - entry.startedAt);
    entry.resolve(outcome);
    this.options.onSettled(this);
  }

  /**
   * A runtime sends its result and its next `invocation/next` together; their answers (the 202 and, when an
   * invocation is queued, the next event) leave in one write at the end of this turn of the event loop: on
   * loopback TCP each write costs the gateway as much as the rest of the invocation.
   */
  private coalesceWrites(req: IncomingMessage): void {
    if (this.corked) return;
    const socket = req.socket;
    this.corked = true;
    socket.cork();
    setImmediate(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    this.coalesceWrites(req);
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return reply(res, 404, { errorMessage: `Unknown path ${url}`, errorType: 'InvalidRequest' });
    const rest = url.slice(PREFIX.length);
    if (req.method === 'GET' && rest === 'invocation/next') return this.next(res);
    if (req.method === 'POST' && rest === 'init/error') return this.readBody(req, res, (text) => this.initError(req, res, text));
    const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (req.method === 'POST' && match) {
      const id = decodeURIComponent(match[1]!);
      return this.readBody(req, res, (text) => this.answer(req, res, id, match[2] as 'response' | 'error', text));
    }
    reply(res, 404, { errorMessage: `Unknown path ${req.method} ${url}`, errorType: 'InvalidRequest' });
  }

  private readBody(req: IncomingMessage, res: ServerResponse, then: (text: string | undefined) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
    });
    req.on('end', () => then(size <= MAX_RESPONSE_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.on('error', () => res.destroy());
  }

  private next(res: ServerResponse): void {
    if (!this.initDone) {
      this.initDone = true;
      this.settleReady({ type: 'ready' });
    }
    const entry = this.current;
    if (entry && !entry.delivered) this.deliver(res, entry);
    else {
      this.parkedNext?.destroy();
      this.parkedNext = res;
    }
  }

  private initError(req: IncomingMessage, res: ServerResponse, text: string | undefined): void {
    if (this.initDone) return invalidState(res, 'init/error is only allowed before the first invocation/next');
    accepted(res);
    this.settleReady({ type: 'init-error', error: parseError(req, text) });
  }

  private answer(req: IncomingMessage, res: ServerResponse, id: string, kind: 'response' | 'error', text: string | undefined): void {
    const entry = this.current;
    if (!entry || !entry.delivered || entry.request.awsRequestId !== id) {
      return reply(res, 400, { errorMessage: `Invalid request ID: ${id}`, errorType: 'InvalidRequestID' });
    }
    const awsRequestId = id;
    if (text === undefined) {
      const error = {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      };
      reply(res, 413, { errorMessage: error.errorMessage, errorType: 'RequestEntityTooLarge' });
      return this.finish(entry, { type: 'result', awsRequestId, ok: false, error });
    }
    accepted(res);
    if (kind === 'error') return this.finish(entry, { type: 'result', awsRequestId, ok: false, error: parseError(req, text) });
    this.finish(entry, { type: 'result', awsRequestId, ok: true, value: parseResponse(text) });
  }
}

/** A response body is passed on as JSON when it is JSON, otherwise as the text it is. */
function parseResponse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error document a runtime posts (`{errorMessage, errorType, stackTrace}`); its type header stands in for a missing one. */
function parseError(req: IncomingMessage, text: string | undefined): LambdaError {
  const headerType = req.headers['lambda-runtime-function-error-type'];
  const fallbackType = typeof headerType === 'string' && headerType !== '' ? headerType : 'Unhandled';
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: Lambda reports the type from the header and no message.
  }
  const error: LambdaError = {
    errorType: typeof body.errorType === 'string' && body.errorType !== '' ? body.errorType : fallbackType,
    errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : '',
  };
  if (Array.isArray(body.stackTrace)) error.trace = body.stackTrace.map(String);
  return error;
}
