import { loadService } from '../../config/load.js';
import { WsgateError } from '../../errors.js';
import { collectAuthorizerWarnings } from '../../gateway/authorizer/startup-warnings.js';
import { describeBindWarning } from '../../gateway/bind-warning.js';
import { createGateway } from '../../gateway/create-gateway.js';
import { createDevLog } from '../../gateway/dev-log.js';
import { createLogObservers } from '../../gateway/logs/create-log-observers.js';
import { locateError, locateIssue } from '../locate-issues.js';
import { reportWarnings } from '../report-error.js';
import type { DevOptions } from './dev.js';

export async function runDev(options: DevOptions, cliOptions: Record<string, string | boolean>): Promise<number> {
  const port = parsePort(options.port);
  const { model, warnings, config, sourceMap } = await loadService({
    configFile: options.config,
    stage: options.stage,
    region: options.region,
    cliOptions,
  });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  reportWarnings([...warnings, ...collectAuthorizerWarnings(model).map((warning) => locateIssue(warning, config, sourceMap))]);

  const limits = {
    ...secondsOption(options.idleTimeout, '--idle-timeout', 'idleTimeoutMs', true),
    ...secondsOption(options.maxDuration, '--max-duration', 'maxConnectionMs', true),
    ...secondsOption(options.integrationTimeout, '--integration-timeout', 'integrationTimeoutMs', false),
  };
  const bindWarning = describeBindWarning(options.host, options.verifySignatures === true);
  if (bindWarning) process.stderr.write(`Warning: ${bindWarning}\n`);

  const devLog = createDevLog(print);
  const logs = createLogObservers(model);
  const gateway = createGateway(model, {
    host: options.host,
    port,
    stage: options.stage,
    runtime: {
      onLog: devLog.onHandlerLog,
      onWarning: (warning) => reportWarnings([locateIssue(warning, config, sourceMap)]),
      watch: options.watch,
    },
    observers: [devLog.observer, ...logs.observers],
    onManagementRequest: devLog.onManagementRequest,
    limits,
    ...(options.verifySignatures ? { requireSignatures: { credentials: environmentCredentials() } } : {}),
  });
  let address;
  try {
    address = await gateway.listen();
  } catch (err) {
    await logs.close();
    throw locateError(err, config, sourceMap);
  }
  print(`wsgate dev: ${model.service} (stage ${gateway.stage}, region ${model.region})`);
  print(`  WebSocket:    ${address.url}  or  ${address.stageUrl}  (wss:// too)`);
  print(`  @connections: ${address.connectionsUrl}/{connectionId}`);
  print(`  Routes:       ${model.websocket.routes.map((r) => `${r.routeKey} → ${r.functionKey}`).join(', ') || '(none)'}`);
  // Listening before saying so: a signal sent as soon as the prompt shows must not find Node's default handler.
  let signals = 0;
  let stop!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals === 1) return stop(signal);
    process.stderr.write('Stopped without waiting for $disconnect.\n');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  print('Press Ctrl-C to stop.');

  const signal = await stopped;
  print(`${signal}: closing connections (running $disconnect)… press Ctrl-C again to quit at once.`);
  await gateway.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await logs.close();
  print('Stopped.');
  return 0;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WsgateError({ code: 'CLI_INVALID_OPTION', message: `--port must be a port number (0-65535), got "${value}".`, path: '--port' });
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

