import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionModel, ServiceModel } from '../../config/model.js';
import type { ErrorDetail } from '../../errors.js';
import type { HandlerLogEntry } from '../node-invoker.js';
import { HandlerInstance } from '../handler-instance.js';
import type { InstanceHooks, InstanceLauncher, PoolInstance } from '../pool-instance.js';
import { extractArtifact, prebuiltArtifact } from './artifact-task-root.js';
import type { ExecuteApiProxy } from './execute-api-proxy.js';
import { findExecutable, isExecutableFile } from './find-executable.js';
import { debugpyArguments, freeLoopbackPort, hasDebugpy } from './python-debugger.js';
import { RuntimeApiInstance, type RuntimeApiProcess } from './runtime-api-instance.js';

/** The bundled Python runtime interface client (copied next to the compiled module by the build). */
export const PYTHON_BOOTSTRAP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python', 'bootstrap.py');

/** Which python runs Python handlers when neither `custom.wsgate.python` nor this variable names one: `python3` on PATH. */
export const PYTHON_VARIABLE = 'WSGATE_PYTHON';

/** Runtimes whose handlers run against the Lambda Runtime API rather than the Node runner. */
export function usesRuntimeApi(runtime: string): boolean {
  return /^python3\.\d+$/.test(runtime) || runtime === 'provided' || runtime.startsWith('provided.');
}

/**
 * Whether a function runs on the bundled Python runtime's channel mode (the Node runner's protocol: invocations
 * queued ahead, one wake-up for many) rather than against a Runtime API of its own: every Python function, unless
 * `custom.wsgate.pythonRuntimeApi: true` asks for the Runtime API (docs/runtime.md).
 */
export function runsOnPythonChannel(model: ServiceModel, fn: FunctionModel): boolean {
  if (!fn.runtime.startsWith('python')) return false;
  return (model.custom.wsgate as Record<string, unknown> | undefined)?.pythonRuntimeApi !== true;
}

export interface RuntimeApiLauncherOptions {
  model: ServiceModel;
  fn: FunctionModel;
  /** The function's environment (`buildFunctionEnvironment`). */
  env: Record<string, string>;
  invokedFunctionArn: string;
  batchScheduling: boolean;
  /** See `NodeInvokerOptions.attributeLogs` (Python's channel mode tags the lines too). */
  attributeLogs?: boolean;
  onLog: (entry: HandlerLogEntry) => void;
  /** Sends a bootstrap's HTTP(S) clients to the gateway for the API's AWS host names (`provided.*` only). */
  proxy?: ExecuteApiProxy;
  /** Findings at start-up: no python, another python version than declared, no bootstrap. */
  onWarning: (warning: ErrorDetail) => void;
  /**
   * `wsgate dev --inspect`: run Python instances under debugpy on this port (0: a free one per instance) when the
   * interpreter can import it; `onPort` is told the port then, and a warning says so otherwise.
   */
  debugpy?: { port: number; onPort?: (port: number) => void };
}

const notedVersions = new Map<string, Promise<string | undefined>>();

function pythonVersion(executable: string): Promise<string | undefined> {
  let known = notedVersions.get(executable);
  if (!known) {
    known = new Promise((resolve) =>
      execFile(executable, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], (err, stdout) => resolve(err ? undefined : stdout.trim())),
    );
    notedVersions.set(executable, known);
  }
  return known;
}

/** The python named by `custom.wsgate.python`, else `WSGATE_PYTHON`, else `python3` on PATH; and where that came from. */
function choosePython(model: ServiceModel): { name: string; source: string } {
  const custom = (model.custom.wsgate as Record<string, unknown> | undefined)?.python;
  if (typeof custom === 'string' && custom !== '') {
    return { name: path.isAbsolute(custom) || !custom.includes('/') ? custom : path.resolve(model.serviceDir, custom), source: 'custom.wsgate.python' };
  }
  const variable = process.env[PYTHON_VARIABLE];
  if (variable) return { name: variable, source: PYTHON_VARIABLE };
  return { name: 'python3', source: 'PATH' };
}

/** Linux's data segment limit (prlimit, util-linux) as the function's memory size, where prlimit exists. */
const prlimit = process.platform === 'linux' ? findExecutable('prlimit') : undefined;

function withMemoryLimit(command: RuntimeApiProcess, memorySize: number): RuntimeApiProcess {
  if (!prlimit) return command;
  const bytes = memorySize * 1024 * 1024;
  return { ...command, command: prlimit, args: [`--data=${bytes}:${bytes}`, '--', command.command, ...command.args] };
}

/**
 * How a function of a Runtime API runtime starts its execution environments: Python through the bundled
 * bootstrap, `provided.*` through the service's `bootstrap`. Problems that every invocation would meet are
 * reported once here and answered per invocation as Lambda does (`Runtime.InvalidEntrypoint`).
 */
export function createRuntimeApiLauncher(options: RuntimeApiLauncherOptions): InstanceLauncher {
  const { model, fn, onWarning } = options;
  const overrides: Record<string, string> = {};
  const removed: string[] = [];
  const where = { path: `${fn.configPath}.runtime`, location: { file: model.configFile } };
  let resolveProcess: (taskRoot: string) => RuntimeApiProcess | LaunchFailure;
  const artifact = prebuiltArtifact(model, fn);
  if (artifact && !existsSync(artifact.zip)) {
    onWarning({
      code: 'RUNTIME_ARTIFACT_MISSING',
      message: `function '${fn.key}' deploys from ${artifact.zip}, which does not exist; until it does, wsgate dev runs the function from the service folder`,
      path: artifact.configPath,
      location: { file: model.configFile },
      hint: 'Build the artifact first (the zip that package.artifact names), or remove package.artifact.',
    });
  }
  /** The port debugpy listens on (0: a free one), when Python instances run under it. */
  let debugPort: number | undefined;

  if (fn.runtime.startsWith('python')) {
    const chosen = choosePython(model);
    const executable = findExecutable(chosen.name, options.env.PATH ?? process.env.PATH);
    // Lambda compiles nothing into the task root (it is read-only); nor does wsgate, so watch mode sees no writes.
    overrides.PYTHONDONTWRITEBYTECODE = '1';
    overrides.PYTHONUNBUFFERED = '1';
    if (!executable) {
      const errorMessage = `${chosen.name} (from ${chosen.source}) was not found or is not executable, so function '${fn.key}' (${fn.runtime}) cannot run`;
      onWarning({ code: 'RUNTIME_PYTHON_MISSING', message: errorMessage, ...where, hint: `Install Python 3, or name an interpreter with custom.wsgate.python or ${PYTHON_VARIABLE}.` });
      resolveProcess = () => ({ errorType: 'Runtime.InvalidEntrypoint', errorMessage });
    } else {
      const declared = fn.runtime.slice('python'.length);
      void pythonVersion(executable).then((version) => {
        if (version === undefined || version === declared) return;
        const key = `${executable}\0${declared}`;
        if (notedMismatches.has(key)) return;
        notedMismatches.add(key);
        onWarning({
          code: 'RUNTIME_PYTHON_VERSION',
          message: `function '${fn.key}' declares ${fn.runtime} but ${executable} is Python ${version}; its handlers run on ${version}`,
          ...where,
          hint: `Name a python${declared} with custom.wsgate.python or ${PYTHON_VARIABLE} to run the declared version.`,
        });
      });
      resolveProcess = (taskRoot) => ({ command: executable, args: [PYTHON_BOOTSTRAP], cwd: taskRoot });
      if (options.debugpy && hasDebugpy(executable)) {
        debugPort = options.debugpy.port;
        options.debugpy.onPort?.(debugPort);
      } else if (options.debugpy) {
        onWarning({
          code: 'RUNTIME_PYTHON_NO_DEBUGPY',
          message: `function '${fn.key}' runs without a debugger: ${executable} cannot import debugpy`,
          ...where,
          hint: 'Install debugpy for that interpreter (pip install debugpy, or apt-get install python3-debugpy for Debian\'s python3) to debug it with --inspect.',
        });
      }
    }
  } else {
    // Lambda does not set AWS_EXECUTION_ENV for OS-only runtimes.
    removed.push('AWS_EXECUTION_ENV');
    // Lambda runs /var/task/bootstrap, else /opt/bootstrap: the last layer that has one, extracted over the others.
    const layerDirs = [...(fn.localLayers ?? [])].reverse().map((layer) => layer.dir);
    const candidatesIn = (taskRoot: string) => [taskRoot, ...layerDirs].map((dir) => path.join(dir, 'bootstrap'));
    const findBootstrap = (taskRoot: string) => candidatesIn(taskRoot).find((file) => isExecutableFile(file));
    const missing = (taskRoot: string) => ({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `Couldn't find valid bootstrap(s): [${candidatesIn(taskRoot).join(' ')}]`,
    });
    // A bootstrap in an artifact is only known once it is extracted, when an instance starts.
    if (!artifact && !findBootstrap(model.serviceDir)) {
      const candidates = candidatesIn(model.serviceDir);
      const layers = candidates.length > 1 ? ' nor in its layers' : '';
      onWarning({
        code: 'RUNTIME_BOOTSTRAP_MISSING',
        message: `function '${fn.key}' uses ${fn.runtime}, but no executable bootstrap is in the service folder${layers} (${candidates.join(', ')}); its invocations fail until one is`,
        ...where,
        hint: 'Put an executable `bootstrap` in the service folder or in one of the function\'s layers (chmod +x bootstrap).',
      });
    }
    resolveProcess = (taskRoot) => {
      const bootstrap = findBootstrap(taskRoot);
      return bootstrap ? bootstrapProcess(bootstrap, taskRoot) : missing(taskRoot);
    };
  }

  /** The service folder, or the function's artifact extracted, as Lambda's /var/task holds the zip's content. */
  async function prepareTaskRoot(): Promise<string | LaunchFailure> {
    if (!artifact || !existsSync(artifact.zip)) return model.serviceDir;
    try {
      await extractArtifact(artifact);
      return artifact.dir;
    } catch (err) {
      const errorMessage = `Could not unzip ${artifact.zip} (${artifact.configPath}): ${(err as Error).message}`;
      if (!notedBrokenArtifacts.has(artifact.zip)) {
        notedBrokenArtifacts.add(artifact.zip);
        onWarning({ code: 'RUNTIME_ARTIFACT_UNREADABLE', message: errorMessage, path: artifact.configPath, location: { file: model.configFile }, hint: 'Rebuild the artifact as a .zip file.' });
      }
      return { errorType: 'Runtime.InvalidEntrypoint', errorMessage };
    }
  }

  const channel = runsOnPythonChannel(model, fn);
  /** A Python environment on the runner's protocol: the pool may queue invocations in it, as in a Node one. */
  const startOnChannel = (program: RuntimeApiProcess, env: Record<string, string>, hooks: InstanceHooks): PoolInstance =>
    new HandlerInstance({
      id: hooks.id,
      functionKey: fn.key,
      program: { command: program.command, args: program.args },
      env,
      cwd: program.cwd,
      batchScheduling: options.batchScheduling,
      init: {
        type: 'init',
        handler: fn.handler,
        timeoutMs: fn.timeout * 1000,
        invokedFunctionArn: options.invokedFunctionArn,
        ...(options.attributeLogs ? { attributeLogs: true } : {}),
      },
      onLog: options.onLog,
      onSettled: hooks.onSettled,
      onCpuUsed: hooks.onCpuUsed,
      onServiceTime: hooks.onServiceTime,
    });

  return async (hooks) => {
    const taskRoot = await prepareTaskRoot();
    if (typeof taskRoot !== 'string') return taskRoot;
    let command = resolveProcess(taskRoot);
    if (!('command' in command)) return command;
    let listening: number | undefined;
    if (debugPort !== undefined) {
      listening = debugPort || (await freeLoopbackPort());
      command = { ...command, args: [...debugpyArguments(listening), ...command.args] };
    }
    const env: Record<string, string> = { ...hooks.env, ...overrides, LAMBDA_TASK_ROOT: taskRoot };
    for (const name of removed) delete env[name];
    // Python gets the redirect from its sitecustomize; a bootstrap's own HTTP clients only through a proxy.
    if (options.proxy && !fn.runtime.startsWith('python')) Object.assign(env, await options.proxy.environment(env));
    // What botocore (and the other SDKs that read it) trusts, for the gateway's own TLS certificate.
    if (env.NODE_EXTRA_CA_CERTS && !env.AWS_CA_BUNDLE) env.AWS_CA_BUNDLE = env.NODE_EXTRA_CA_CERTS;
    const limited = withMemoryLimit(command, fn.memorySize);
    const instance = channel
      ? startOnChannel(limited, env, hooks)
      : await RuntimeApiInstance.start({
          ...hooks,
          env,
          functionKey: fn.key,
          process: limited,
          invokedFunctionArn: options.invokedFunctionArn,
          timeoutMs: fn.timeout * 1000,
          batchScheduling: options.batchScheduling,
          onLog: options.onLog,
        });
    // debugpy listens before it runs the bootstrap, so by the time the bootstrap asks for work a debugger can attach.
    if (listening !== undefined) {
      const line = `debugpy listening on 127.0.0.1:${listening}: attach a Python debugger there`;
      void instance.ready.then((outcome) => outcome.type === 'ready' && options.onLog({ functionKey: fn.key, stream: 'stderr', line }));
    }
    return instance;
  };
}

/** What an invocation fails with when no environment can start, in Lambda's terms. */
type LaunchFailure = { errorType: string; errorMessage: string };

const notedMismatches = new Set<string>();
const notedBrokenArtifacts = new Set<string>();

/** Amazon Linux's /bin/sh is bash, and AWS's own shell bootstraps rely on it (`source`, `set -o pipefail`). */
const bash = findExecutable('bash');

function bootstrapProcess(bootstrap: string, cwd: string): RuntimeApiProcess {
  if (bash && /^#!\s*\/bin\/sh(\s|$)/.test(firstLine(bootstrap))) return { command: bash, args: [bootstrap], cwd };
  return { command: bootstrap, args: [], cwd };
}

function firstLine(file: string): string {
  const buffer = Buffer.alloc(64);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const bytes = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytes).toString('latin1').split('\n')[0]!;
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
