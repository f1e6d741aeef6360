import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { loadService } from '../../config/load.js';
import { DEFAULT_DYNAMODB_PORT } from '../../dynamodb/dev-dynamodb.js';
import { collectTables } from '../../dynamodb/table-definitions.js';
import { WsgateError } from '../../errors.js';
import { LOCAL_ACCOUNT_ID } from '../../gateway/ids.js';
import { redactUrl } from '../../registry/redis/connect-redis.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../registry/redis/embedded-redis.js';
import { locateError } from '../locate-issues.js';
import type { DevOptions } from './dev.js';
import { chooseRedis, NODE_ID_VARIABLE, REDIS_URL_VARIABLE } from './dev-redis.js';
import { displayHost, reservePort } from './reserve-port.js';

/** What the primary tells a worker: stop as on Ctrl-C (close connections with 1001, run $disconnect). */
export const SHUTDOWN_MESSAGE = 'wsgate:shutdown';
/** Tells workers 2…N where worker 1's embedded DynamoDB endpoint is. */
export const SHARED_DYNAMODB_VARIABLE = 'WSGATE_SHARED_DYNAMODB_URL';

/**
 * `wsgate dev --workers N`: N gateway processes behind one port (Node's cluster module hands each new TCP connection
 * to the next worker), joined through a Redis: the one given, or a redis-server started for the run.
 */
export async function runDevWorkers(options: DevOptions, cliOptions: Record<string, string | boolean>, argv: readonly string[]): Promise<number> {
  const count = parseWorkers(options.workers!);
  const port = await reservePort(Number(options.port) || 0, options.host);
  const loaded = await loadService({ configFile: options.config, stage: options.stage, region: options.region, cliOptions, gatewayEndpoint: { host: displayHost(options.host), port } });
  const dynamodbPort = await planDynamodbPort(loaded, options);
  let chosen: ReturnType<typeof chooseRedis>;
  try {
    chosen = chooseRedis(options.redis, loaded.model);
  } catch (err) {
    throw locateError(err, loaded.config, loaded.sourceMap);
  }
  let embedded: EmbeddedRedis | undefined;
  if (!chosen) embedded = await startEmbeddedRedis(await reservePort(0, '127.0.0.1'));
  const url = chosen?.url ?? embedded!.url;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(
    `wsgate dev --workers ${count}: gateways w1…w${count} share port ${port}, joined through Redis at ${redactUrl(url)} (${chosen ? chosen.source : 'a redis-server started for this run'})`,
  );
  if (options.inspector !== false) print('  Inspector:    off with --workers (each worker would show only the connections it serves)');

  const base = process.env[NODE_ID_VARIABLE] ?? hostname();
  const args = [...workerArgs(argv), '--port', String(port), '--no-inspector'];
  // Worker 1 holds the embedded DynamoDB endpoint (and runs the streams); the others use it.
  const dynamodbUrl = dynamodbPort === undefined ? undefined : `http://127.0.0.1:${dynamodbPort}`;
  if (dynamodbPort !== undefined) args.push('--dynamodb-port', String(dynamodbPort));
  cluster.setupPrimary({ args, silent: true });
  let stopping = false;
  let listening = 0;
  let failed = false;
  const exits: Promise<void>[] = [];
  const workers = new Map<number, Worker>();
  const fork = (index: number) => {
    const worker = cluster.fork({
      [NODE_ID_VARIABLE]: `${base}-w${index}`,
      [REDIS_URL_VARIABLE]: url,
      WSGATE_WORKER_INDEX: String(index),
      ...(dynamodbUrl && index > 1 ? { [SHARED_DYNAMODB_VARIABLE]: dynamodbUrl } : {}),
    });
    workers.set(index, worker);
    const prefix = `[w${index}] `;
    createInterface({ input: worker.process.stdout! }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
    createInterface({ input: worker.process.stderr! }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
    let up = false;
    // 'listening' comes for every server of the worker (its DynamoDB endpoint, Runtime API endpoints): the gateway's port counts.
    worker.on('listening', (address) => {
      if (up || address.port !== port) return;
      up = true;
      if (++listening === count) print('Press Ctrl-C to stop.');
      if (index === 1 && !started) {
        started = true;
        for (let next = 2; next <= count; next++) fork(next);
      }
    });
    exits.push(
      new Promise<void>((resolve) =>
        worker.once('exit', (code, signal) => {
          resolve();
          if (stopping) return;
          if (!up) {
            // It never listened: a configuration or start-up error, which it printed. The others would fail alike.
            failed = true;
            stop();
            return;
          }
          process.stderr.write(`[w${index}] exited (${signal ?? `code ${code}`}): starting it again; its connections were closed.\n`);
          fork(index);
        }),
      ),
    );
  };
  // Worker 1 first: the others start once it listens, when the tables it holds exist.
  let started = false;
  fork(1);

  let signals = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = () => {
    if (++signals === 1) return stop();
    process.stderr.write('Stopped without waiting for $disconnect.\n');
    for (const worker of workers.values()) worker.process.kill('SIGKILL');
    void embedded?.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await stopped;
  stopping = true;
  if (!failed) print(`Stopping ${count} workers (closing connections, running $disconnect)… press Ctrl-C again to quit at once.`);
  for (const worker of workers.values()) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
  await Promise.all(exits.slice());
  await embedded?.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  print('Stopped.');
  return failed || listening === 0 ? 1 : 0;
}

function parseWorkers(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new WsgateError({
      code: 'CLI_INVALID_OPTION',
      message: `--workers must be a whole number of gateway processes (1-256), got "${value}".`,
      path: '--workers',
      hint: 'For example --workers 4 (one per core).',
    });
  }
  return count;
}

/** The command line of a worker: the user's, without --workers (workers are not primaries), --port nor --dynamodb-port. */
function workerArgs(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (['--workers', '--port', '-p', '--dynamodb-port'].includes(arg)) i++;
    else if (!/^--(workers|port|dynamodb-port)=/.test(arg)) args.push(arg);
  }
  return args;
}

/**
 * The embedded DynamoDB endpoint's port when the service has tables and the endpoint is on: --dynamodb-port, else
 * 8000 when free, else a free port. Worker 1 holds the endpoint there.
 */
async function planDynamodbPort({ model, config, sourceMap }: Awaited<ReturnType<typeof loadService>>, options: DevOptions): Promise<number | undefined> {
  if (options.dynamodb === false || process.env.AWS_ENDPOINT_URL_DYNAMODB) return undefined;
  let tables: unknown[];
  try {
    tables = collectTables(model, LOCAL_ACCOUNT_ID);
  } catch (err) {
    throw locateError(err, config, sourceMap);
  }
  if (tables.length === 0) return undefined;
  if (options.dynamodbPort !== undefined && Number(options.dynamodbPort) !== 0) return Number(options.dynamodbPort);
  if (options.dynamodbPort !== undefined) return reservePort(0, '127.0.0.1');
  return (await isFree(DEFAULT_DYNAMODB_PORT)) ? DEFAULT_DYNAMODB_PORT : reservePort(0, '127.0.0.1');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
