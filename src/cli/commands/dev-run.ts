import cluster from 'node:cluster';
import path from 'node:path';
import { loadService } from '../../config/load.js';
import { servingRoutes } from '../../config/serving-routes.js';
import { WsgateError } from '../../errors.js';
import { collectAuthorizerWarnings } from '../../gateway/authorizer/startup-warnings.js';
import { describeBindWarning } from '../../gateway/bind-warning.js';
import { createGateway, type Gateway, type GatewayAddress } from '../../gateway/create-gateway.js';
import { createDevLog } from '../../gateway/dev-log.js';
import { createDevDynamodb, type DevDynamodb } from '../../dynamodb/dev-dynamodb.js';
import { createLogObservers } from '../../gateway/logs/create-log-observers.js';
import { checkHandlers } from '../../runtime/check-handlers.js';
import { collectLayerWarnings } from '../../runtime/layer-warnings.js';
import { locateError, locateIssue } from '../locate-issues.js';
import { reportError, reportWarnings } from '../report-error.js';
import type { DevOptions } from './dev.js';
import { chooseRedis, devRedisOptions, NODE_ID_VARIABLE } from './dev-redis.js';
import { displayHost, reservePort } from './reserve-port.js';
import { SHARED_DYNAMODB_VARIABLE, SHUTDOWN_MESSAGE } from './dev-workers.js';

const ignoreSignal = () => undefined;

type Loaded = Awaited<ReturnType<typeof loadService>>;

interface RunningDevGateway {
  gateway: Gateway;
  address: GatewayAddress;
  /** Banner lines of what runs beside the gateway (the DynamoDB endpoint). */
  banner: string[];
  /** `function host:port` of each function's Node inspector with `--inspect`. */
  debugPorts: string[];
  close(): Promise<void>;
}

export async function runDev(options: DevOptions, cliOptions: Record<string, string | boolean>): Promise<number> {
  // `${cf:<own stack>.ServiceEndpointWebsocket}` needs the port before the configuration loads: port 0 is chosen here.
  const port = await reservePort(parsePort(options.port), options.host);
  const gatewayEndpoint = { host: displayHost(options.host), port };
  const load = () => loadService({ configFile: options.config, stage: options.stage, region: options.region, cliOptions, gatewayEndpoint });
  scaleOptions(options.scale); // a bad value is refused before anything loads
  const print = (line: string) => process.stdout.write(`${line}\n`);
  let loaded = await load();
  reportLoadWarnings(loaded);

  const limits = {
    ...secondsOption(options.idleTimeout, '--idle-timeout', 'idleTimeoutMs', true),
    ...secondsOption(options.maxDuration, '--max-duration', 'maxConnectionMs', true),
    ...secondsOption(options.integrationTimeout, '--integration-timeout', 'integrationTimeoutMs', false),
  };
  const handlerEnv = parseEnvOptions(options.env ?? []);
  const bindWarning = describeBindWarning(options.host, options.verifySignatures === true);
  if (bindWarning) process.stderr.write(`Warning: ${bindWarning}\n`);

  let stopping = false;
  let stop!: (reason: NodeJS.Signals | 'failed') => void;
  const stopped = new Promise<NodeJS.Signals | 'failed'>((resolve) => (stop = resolve));
  // Reloads run one after another; the last one to finish leaves the gateway that runs.
  let reloading = Promise.resolve();
  const onChange = (changedPaths: string[]) => {
    const configChanges = changedPaths.filter((changed) => isConfigurationFile(changed, loaded));
    if (configChanges.length === 0) {
      print(`${changedPaths.join(', ')} changed: handlers reload (and rebuild) on their next invocation`);
      return;
    }
    // A reload never takes the process down: what it could not do is reported, and the next save tries again.
    reloading = reloading.then(() => reload(configChanges)).catch((err: unknown) => void reportError(err));
  };
  const inspect = parseInspectOption(options.inspect);
  const sharedDynamodb = process.env[SHARED_DYNAMODB_VARIABLE];
  const dynamodb = createDevDynamodb({
    ...(sharedDynamodb ? { shared: { url: sharedDynamodb, holder: 'worker w1' } } : {}),
    enabled: options.dynamodb !== false,
    resetData: options.resetData === true,
    port: options.dynamodbPort === undefined ? undefined : parsePort(options.dynamodbPort, '--dynamodb-port'),
    print,
    warn: (warning) => reportWarnings([locateIssue(warning, loaded.config, loaded.sourceMap)]),
  });
  const start = (service: Loaded, listenPort: number) => startDevGateway(service, options, listenPort, limits, handlerEnv, print, onChange, dynamodb, inspect);

  await refuseMissingHandlers(loaded);
  let running = await start(loaded, port).catch(async (err: unknown) => {
    await dynamodb.close();
    throw err;
  });
  printBanner(running, loaded, print);

  /** serverless.yml or a .env file changed: load it again and, if it is valid, restart the gateway with it. */
  async function reload(changed: string[]): Promise<void> {
    if (stopping) return;
    let next: Loaded;
    try {
      next = await load();
    } catch (err) {
      reportError(err);
      process.stderr.write(`${changed.join(', ')} changed but cannot be used: the gateway goes on with the configuration it runs. Fix it and save again.\n`);
      return;
    }
    reportLoadWarnings(next);
    print(`${changed.join(', ')} changed: restarting the gateway with the new configuration (open connections close with 1001 and run $disconnect)…`);
    const samePort = running.address.port;
    await running.close();
    try {
      running = await start(next, samePort);
    } catch (err) {
      reportError(err);
      stop('failed');
      return;
    }
    loaded = next;
    printBanner(running, loaded, print);
  }

  // Listening before saying so: a signal sent as soon as the prompt shows must not find Node's default handler.
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals === 1) return stop(signal);
    process.stderr.write('Stopped without waiting for $disconnect.\n');
    process.exit(130);
  };
  const worker = cluster.isWorker ? cluster.worker : undefined;
  // A worker of --workers stops when its primary says so (or is gone): Ctrl-C reaches the whole process group, and
  // a second signal would mean "quit without $disconnect".
  const onPrimaryMessage = (message: unknown) => message === SHUTDOWN_MESSAGE && stop('SIGTERM');
  const onPrimaryGone = () => stop('SIGTERM');
  if (worker) {
    process.on('SIGINT', ignoreSignal);
    process.on('SIGTERM', ignoreSignal);
    worker.on('message', onPrimaryMessage);
    worker.on('disconnect', onPrimaryGone);
  } else {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    print('Press Ctrl-C to stop.');
  }

  const reason = await stopped;
  stopping = true;
  if (reason !== 'failed' && !worker) print(`${reason}: closing connections (running $disconnect)… press Ctrl-C again to quit at once.`);
  await reloading;
  await running.close();
  await dynamodb.close();
  process.off('SIGINT', worker ? ignoreSignal : onSignal);
  process.off('SIGTERM', worker ? ignoreSignal : onSignal);
  worker?.off('message', onPrimaryMessage);
  worker?.off('disconnect', onPrimaryGone);
  print('Stopped.');
  // The IPC channel would keep a worker alive.
  if (worker?.isConnected()) worker.disconnect();
  return reason === 'failed' ? 1 : 0;
}

/** A handler file or export that does not exist stops `wsgate dev` before it listens, with a did-you-mean. */
async function refuseMissingHandlers({ model, config, sourceMap }: Loaded): Promise<void> {
  const issues = await checkHandlers(model);
  if (issues.length === 0) return;
  const first = issues[0]!;
  const message = issues.length === 1 ? first.message : `${issues.length} handlers do not exist`;
  throw locateError(new WsgateError({ ...first, message, issues }), config, sourceMap);
}

function reportLoadWarnings({ model, warnings, config, sourceMap }: Loaded): void {
  const backEndWarnings = [...collectAuthorizerWarnings(model), ...collectLayerWarnings(model)];
  reportWarnings([...warnings, ...backEndWarnings.map((warning) => locateIssue(warning, config, sourceMap))]);
}

/**
 * The files a running gateway's configuration was read from: the configuration file (for serverless.ts/.js, the
 * service files it imports too), and the `.env` files beside it that Serverless reads.
 */
function isConfigurationFile(changedPath: string, { model, configInputs }: Loaded): boolean {
  // The watcher reports paths relative to the service folder.
  const inputs = [model.configFile, ...configInputs].map((file) => path.relative(model.serviceDir, file));
  return [...inputs, '.env', `.env.${model.stage}`].includes(path.normalize(changedPath));
}

async function startDevGateway(
  { model, config, sourceMap }: Loaded,
  options: DevOptions,
  port: number,
  limits: Record<string, number>,
  handlerEnv: Record<string, string>,
  print: (line: string) => void,
  onChange: (changedPaths: string[]) => void,
  dynamodb: DevDynamodb,
  inspectPort?: number,
): Promise<RunningDevGateway> {
  const prepared = await dynamodb.prepare(model).catch((err: unknown) => {
    throw locateError(err, config, sourceMap);
  });
  const debugPorts: string[] = [];
  const devLog = createDevLog(print);
  const logs = createLogObservers(model);
  let redis: ReturnType<typeof chooseRedis>;
  try {
    redis = chooseRedis(options.redis, model);
  } catch (err) {
    throw locateError(err, config, sourceMap);
  }
  if (redis && !cluster.isWorker && prepared.localServices.routes.length > 0) {
    process.stderr.write(
      'Warning: the embedded DynamoDB endpoint of this node holds its own copy of the tables: other nodes of this stage hold theirs. ' +
        'For one set of tables, start every node with AWS_ENDPOINT_URL_DYNAMODB pointing at one endpoint, or use --workers (docs/scale-out.md).\n',
    );
  }
  const gateway = createGateway(prepared.model, {
    ...(redis ? { redis: devRedisOptions(redis, process.env[NODE_ID_VARIABLE], (line) => process.stderr.write(`${line}\n`), print) } : {}),
    host: options.host,
    port,
    stage: options.stage,
    runtime: {
      onLog: devLog.onHandlerLog,
      onWarning: (warning) => reportWarnings([locateIssue(warning, config, sourceMap)]),
      watch: options.watch,
      onReload: onChange,
      // --env wins over what the embedded services set (their endpoint, the SDK preloads).
      env: { ...prepared.env, ...handlerEnv },
      ...(inspectPort !== undefined ? { inspect: { port: inspectPort, onPort: (fn: string, port: number, using?: string) => debugPorts.push(`${fn} 127.0.0.1:${port}${using === 'debugpy' ? ' (debugpy)' : ''}`) } } : {}),
      ...scaleOptions(options.scale),
    },
    localServices: prepared.localServices,
    inspector: options.inspector !== false,
    observers: [devLog.observer, ...logs.observers],
    onManagementRequest: devLog.onManagementRequest,
    limits,
    ...(options.verifySignatures ? { requireSignatures: { credentials: environmentCredentials() } } : {}),
  });
  let address: GatewayAddress;
  try {
    address = await gateway.listen();
  } catch (err) {
    await logs.close();
    throw locateError(err, config, sourceMap);
  }
  const stopStreams = prepared.startStreams((functionKey, event) => gateway.invoke(functionKey, event));
  let closed: Promise<void> | undefined;
  return {
    gateway,
    address,
    banner: prepared.banner,
    debugPorts,
    close: () => (closed ??= stopStreams().then(() => gateway.close()).then(() => logs.close())),
  };
}

function printBanner({ gateway, address, banner, debugPorts }: RunningDevGateway, { model }: Loaded, print: (line: string) => void): void {
  print(`wsgate dev: ${model.service} (stage ${gateway.stage}, region ${model.region})`);
  print(`  WebSocket:    ${address.url}  or  ${address.stageUrl}  (wss:// too)`);
  print(`  @connections: ${address.connectionsUrl}/{connectionId}`);
  for (const line of banner) print(line);
  if (gateway.nodeId) print(`  Scale-out:    node ${gateway.nodeId}; @connections reach every node of this stage through Redis`);
  print(`  From handlers: https://${gateway.apiId}.execute-api.${model.region}.amazonaws.com/${gateway.stage} leads here too`);
  print(`  Routes:       ${[...servingRoutes(model).values()].map((r) => `${r.routeKey} → ${r.functionKey}`).join(', ') || '(none)'}`);
  if (address.inspectorUrl) print(`  Inspector:    ${address.inspectorUrl}  (this machine only)`);
  if (debugPorts.length > 0 && debugPorts.every((port) => /:0\b/.test(port))) {
    print('  Debugging:    one instance per function, Node inspector (debugpy for Python) on a free port of each instance');
    print('                each instance prints where it listens ("Debugger listening on ws://...", "debugpy listening on ...") when it starts');
  } else if (debugPorts.length > 0) {
    print(`  Debugging:    one instance per function, Node inspector on ${debugPorts.join(', ')}`);
    print('                attach Chrome (chrome://inspect) or VS Code ("Attach", port above); each instance prints its ws:// URL when it starts');
  }
}

/** `--inspect` alone: 9229, Node's default; `--inspect=PORT` that port; `--inspect=0` a free port per instance. */
function parseInspectOption(value: boolean | string | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 9229;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WsgateError({
      code: 'CLI_INVALID_OPTION',
      message: `--inspect takes a port number (0-65535, 0 for a free port per instance), got "${value}".`,
      path: '--inspect',
      hint: 'Write --inspect, --inspect=9229 or --inspect=0.',
    });
  }
  return port;
}

/** `--env KEY=VALUE` options as variables; the value may be empty and may contain `=`. */
function parseEnvOptions(values: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    const name = equals < 0 ? value : value.slice(0, equals);
    if (equals < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new WsgateError({
        code: 'CLI_INVALID_OPTION',
        message: `--env takes KEY=VALUE with a variable name of letters, digits and _, got "${value}".`,
        path: '--env',
        hint: 'For example: wsgate dev --env TABLE_NAME=local-table --env DEBUG=1',
      });
    }
    env[name] = value.slice(equals + 1);
  }
  return env;
}

/** `--scale lambda`: every invocation that finds all instances busy starts one at once and never waits behind another. */
function scaleOptions(mode: string): { growAfterMs?: number; packWaitMs?: number } {
  if (mode === 'lambda') return { growAfterMs: 0, packWaitMs: 0 };
  if (mode === 'packing') return {};
  throw new WsgateError({
    code: 'CLI_INVALID_OPTION',
    message: `--scale must be "packing" or "lambda", got "${mode}".`,
    path: '--scale',
    hint: 'Use --scale lambda to start a new handler instance for each concurrent invocation, as Lambda does.',
  });
}

function parsePort(value: string, flag = '--port'): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WsgateError({ code: 'CLI_INVALID_OPTION', message: `${flag} must be a port number (0-65535), got "${value}".`, path: flag });
  }
  return port;
}

function secondsOption(value: string | undefined, flag: string, limit: 'idleTimeoutMs' | 'maxConnectionMs' | 'integrationTimeoutMs', zeroTurnsOff: boolean): Record<string, number> {
  if (value === undefined) return {};
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || (seconds === 0 && !zeroTurnsOff)) {
    throw new WsgateError({
      code: 'CLI_INVALID_OPTION',
      message: `${flag} must be a number of seconds${zeroTurnsOff ? ' (0 turns the limit off)' : ' greater than 0'}, got "${value}".`,
      path: flag,
    });
  }
  return { [limit]: seconds * 1000 };
}

/** The developer's own credentials, if set, are accepted besides the ones handler processes sign with. */
function environmentCredentials(): { accessKeyId: string; secretAccessKey: string }[] {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  return accessKeyId && secretAccessKey ? [{ accessKeyId, secretAccessKey }] : [];
}

