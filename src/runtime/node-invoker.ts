import type { ServiceModel } from '../config/model.js';
import { WsgateError, type ErrorDetail } from '../errors.js';
import { createServiceScope, localStackIdentity } from '../config/intrinsics/service-scope.js';
import { LOCAL_ACCOUNT_ID } from '../gateway/ids.js';
import { buildFunctionEnvironment } from './build-lambda-environment.js';
import type { HostRedirect } from './host-redirect.js';
import { FunctionPool, GROW_AFTER_MS, IDLE_INSTANCE_TIMEOUT_MS, PACK_WAIT_MS, RUNTIME_API_GROW_AFTER_MS } from './function-pool.js';
import type { InvokeResult, Invoker } from './invoker.js';
import { detectBundler } from '../build/bundler-plugin.js';
import { layerNodePaths } from './layer-environment.js';
import { locateRunner } from './locate-runner.js';
import { parseHandler, type HandlerReference } from './parse-handler.js';
import { createExecuteApiProxy, type ExecuteApiProxy } from './runtime-api/execute-api-proxy.js';
import { createRuntimeApiLauncher, runsOnPythonChannel, usesRuntimeApi } from './runtime-api/runtime-api-launcher.js';
import type { LambdaError } from './runner/protocol.js';
import { watchService, type ServiceWatcher } from './watch-service.js';

export interface HandlerLogEntry {
  functionKey: string;
  stream: 'stdout' | 'stderr';
  line: string;
  /** The instance that wrote it (`echo#2`), where the runtime tells. */
  instance?: string;
  /** The invocation whose code wrote it (with `attributeLogs`), or else the one running when it arrived. */
  awsRequestId?: string;
  /** Written by that invocation's code after it had answered (a timer, a promise it did not wait for). */
  late?: boolean;
}

export interface NodeInvokerOptions {
  /** Extra environment for every handler process, e.g. NODE_EXTRA_CA_CERTS so handlers trust the gateway's TLS certificate. */
  env?: Readonly<Record<string, string>>;
  /** Handler console output, one call per line. Default: discarded (the CLI passes its printer). */
  onLog?: (entry: HandlerLogEntry) => void;
  /** Reload a handler's code for the next invocation when service files change. Default false (the CLI turns it on). */
  watch?: boolean;
  /** Most instances (execution environments) per function. Default 10; further invocations queue. */
  maxInstancesPerFunction?: number;
  /**
   * How long an invocation that finds every instance busy waits for one to free up before another instance
   * starts for it, ms. Default 100 (`GROW_AFTER_MS`); 0 starts one at once, as Lambda scales out.
   */
  growAfterMs?: number;
  /**
   * How long at most an invocation may be expected to wait behind the quick ones queued on a busy instance for
   * it to go there rather than wake an idle instance, ms (the function's recent invocation times tell). Default 1
   * (`PACK_WAIT_MS`); 0 always prefers an idle instance.
   */
  packWaitMs?: number;
  /**
   * Run handler instances under Linux's SCHED_BATCH scheduling policy (through `chrt`, where present), so that a
   * woken instance does not preempt the gateway at once. Default true; no effect elsewhere than on Linux.
   */
  batchScheduling?: boolean;
  /**
   * An instance that served nothing for this long ends, and the next invocation is a cold start, as Lambda
   * reclaims idle execution environments. Default 10 minutes (`IDLE_INSTANCE_TIMEOUT_MS`); Infinity keeps them.
   */
  idleInstanceTimeoutMs?: number;
  /** Non-fatal findings (an environment variable that is an intrinsic, a non-Node runtime). Default: discarded (the CLI passes its printer). */
  onWarning?: (warning: ErrorDetail) => void;
  /** Called after a change in the service folder retired the running instances (watch mode). */
  onReload?: (changedPaths: string[]) => void;
  /** Account id in `invokedFunctionArn`. Default: the gateway's local account id. */
  accountId?: string;
  /** The API id `Ref: WebsocketsApi` evaluates to in `environment`. Default: the one the gateway derives. */
  apiId?: string;
  /** Host names (such as the API's own `{apiId}.execute-api.{region}.amazonaws.com`) handler processes reach the gateway by. */
  hostRedirect?: HostRedirect;
  /**
   * Start handler instances with the Node inspector, the functions on consecutive ports from `port` (0: a free
   * port per instance), one instance per function so that a breakpoint is hit predictably. `onPort` tells which
   * port each function got. Python functions run under debugpy on their port when their interpreter has it.
   */
  inspect?: { port: number; onPort?: (functionKey: string, port: number, using?: 'node' | 'debugpy') => void };
  /**
   * Tag each line a Node handler writes with the request id of the invocation whose code wrote it, even after it
   * answered (`HandlerLogEntry.awsRequestId`, `late`); the inspector asks for it. Costs handler code a little.
   */
  attributeLogs?: boolean;
}

export const DEFAULT_MAX_INSTANCES_PER_FUNCTION = 10;

// A library prints nothing its caller did not ask for.
const ignore = (): void => {};

function failure(error: LambdaError): InvokeResult {
  return { ok: false, kind: 'init', error, durationMs: 0 };
}

/**
 * The Node.js runtime: each function's handler runs in isolated child processes (one invocation at a time
 * per instance, like a Lambda execution environment). Throws a WsgateError when a handler string is unusable.
 */
export function createNodeInvoker(model: ServiceModel, options: NodeInvokerOptions = {}): Invoker {
  const onLog = options.onLog ?? ignore;
  const onWarning = options.onWarning ?? ignore;
  const maxInstances = options.inspect ? 1 : Math.max(1, Math.floor(options.maxInstancesPerFunction ?? DEFAULT_MAX_INSTANCES_PER_FUNCTION));
  let nextInspectPort = options.inspect?.port;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const arnOf = (name: string) => `arn:aws:lambda:${model.region}:${accountId}:function:${name}`;

  const scope = createServiceScope(model, localStackIdentity(model, { accountId, ...(options.apiId ? { apiId: options.apiId } : {}) }));
  const issues: ErrorDetail[] = [];
  const warnings: ErrorDetail[] = [];
  const pools = new Map<string, FunctionPool | LambdaError>();
  const poolSettings = {
    serviceDir: model.serviceDir,
    maxInstances,
    growAfterMs: Math.max(0, options.growAfterMs ?? GROW_AFTER_MS),
    packWaitMs: Math.max(0, options.packWaitMs ?? PACK_WAIT_MS),
    batchScheduling: options.batchScheduling ?? true,
    idleTimeoutMs: Math.max(0, options.idleInstanceTimeoutMs ?? IDLE_INSTANCE_TIMEOUT_MS),
    onLog,
    attributeLogs: options.attributeLogs ?? false,
  };
  const bundler = detectBundler(model);
  let proxy: ExecuteApiProxy | undefined;
  for (const fn of model.functions.values()) {
    if (usesRuntimeApi(fn.runtime)) {
      // Python and provided.* run against a Lambda Runtime API of their own, in the same pool (docs/runtime.md).
      const { env, warnings: envWarnings } = buildFunctionEnvironment(model, fn, options.env, process.env, { scope, hostRedirect: options.hostRedirect });
      warnings.push(...envWarnings);
      const invokedFunctionArn = arnOf(fn.name);
      const reference: HandlerReference = { handler: fn.handler, moduleName: fn.handler, modulePath: model.serviceDir, exportPath: '' };
      if (options.hostRedirect && !fn.runtime.startsWith('python')) proxy ??= createExecuteApiProxy(options.hostRedirect);
      const debugPort = fn.runtime.startsWith('python') ? nextInspectPort : undefined;
      if (debugPort !== undefined && debugPort !== 0) nextInspectPort = debugPort + 1;
      const debugpy = debugPort !== undefined ? { port: debugPort, onPort: (port: number) => options.inspect?.onPort?.(fn.key, port, 'debugpy') } : undefined;
      const launch = createRuntimeApiLauncher({
        model,
        fn,
        env,
        invokedFunctionArn,
        batchScheduling: poolSettings.batchScheduling,
        attributeLogs: poolSettings.attributeLogs,
        onLog,
        onWarning,
        ...(proxy ? { proxy } : {}),
        ...(debugpy ? { debugpy } : {}),
      });
      // Nothing waits inside a Runtime API environment; Python's channel mode queues as the Node runner does.
      const growAfterMs = runsOnPythonChannel(model, fn) ? poolSettings.growAfterMs : Math.min(poolSettings.growAfterMs, RUNTIME_API_GROW_AFTER_MS);
      pools.set(fn.key, new FunctionPool({ ...poolSettings, growAfterMs, fn, reference, env, invokedFunctionArn, launch }));
      continue;
    }
    const parsed = parseHandler(fn.handler, model.serviceDir);
    if (!parsed.ok) {
      issues.push({
        code: 'RUNTIME_INVALID_HANDLER',
        message: parsed.message,
        path: `${fn.configPath}.handler`,
        location: { file: model.configFile },
        hint: parsed.hint,
      });
      continue;
    }
    if (!fn.runtime.startsWith('nodejs')) {
      const message = `function '${fn.key}' uses runtime ${fn.runtime}; wsgate runs Node.js, Python and provided.* handlers only, so its invocations fail`;
      warnings.push({ code: 'RUNTIME_UNSUPPORTED', message, path: `${fn.configPath}.runtime`, location: { file: model.configFile } });
      pools.set(fn.key, { errorType: 'InvalidRuntimeException', errorMessage: message });
      continue;
    }
    const { env, warnings: envWarnings } = buildFunctionEnvironment(model, fn, options.env, process.env, { scope, hostRedirect: options.hostRedirect });
    warnings.push(...envWarnings);
    const inspectPort = nextInspectPort;
    if (nextInspectPort !== undefined) {
      options.inspect?.onPort?.(fn.key, nextInspectPort);
      // Port 0: each instance takes a free port of its own (and prints it).
      if (nextInspectPort !== 0) nextInspectPort++;
    }
    pools.set(
      fn.key,
      new FunctionPool({
        ...poolSettings,
        fn,
        reference: parsed.reference,
        env,
        invokedFunctionArn: arnOf(fn.name),
        ...(inspectPort !== undefined ? { inspectPort } : {}),
        ...(bundler ? { bundler: { settings: bundler, nodePaths: layerNodePaths(fn) } } : {}),
      }),
    );
  }
  if (issues.length > 0) {
    throw new WsgateError({
      code: 'RUNTIME_INVALID_HANDLER',
      message: issues.length === 1 ? issues[0]!.message : `${issues.length} handlers are invalid`,
      path: issues[0]!.path,
      location: issues[0]!.location,
      hint: issues[0]!.hint,
      issues,
    });
  }
  warnings.forEach(onWarning);
  // Prepare the runner now, so the first cold start does not pay for it.
  locateRunner().catch(() => {});

  let watcher: ServiceWatcher | undefined;
  if (options.watch) {
    watcher = watchService(
      model.serviceDir,
      (changed) => {
        for (const pool of pools.values()) if (pool instanceof FunctionPool) pool.retire();
        options.onReload?.(changed);
      },
      (error) => onWarning({ code: 'RUNTIME_WATCH_FAILED', message: `watching ${model.serviceDir} failed: ${error.message}` }),
    );
  }

  let closing: Promise<void> | undefined;
  const poolOf = (functionKey: string): FunctionPool | LambdaError => {
    const pool = pools.get(functionKey);
    if (closing) return { errorType: 'ServiceException', errorMessage: 'the invoker is closed' };
    return pool ?? { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${arnOf(functionKey)}` };
  };
  return {
    // Not async: the pool's promise is handed on as it is (an async wrapper costs two more microtask turns per invocation).
    invoke(functionKey, event, invokeOptions) {
      const pool = poolOf(functionKey);
      return pool instanceof FunctionPool ? pool.invoke(event, invokeOptions) : Promise.resolve(failure(pool));
    },
    invokeEncoded(functionKey, eventJson, invokeOptions) {
      const pool = poolOf(functionKey);
      return pool instanceof FunctionPool ? pool.invokeEncoded(eventJson, invokeOptions) : Promise.resolve(failure(pool));
    },
    describe() {
      return [...pools].map(([functionKey, pool]) => ({
        functionKey,
        ...(pool instanceof FunctionPool ? pool.describe() : { warm: 0, busy: 0, starting: 0 }),
      }));
    },
    retire(functionKey) {
      const pool = pools.get(functionKey);
      if (pool instanceof FunctionPool) pool.retire();
    },
    close() {
      closing ??= (async () => {
        watcher?.close();
        await Promise.all([...pools.values()].map((pool) => (pool instanceof FunctionPool ? pool.close() : undefined)));
        await proxy?.close();
      })();
      return closing;
    },
  };
}
