import cluster, { type Worker } from 'node:cluster';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { loadService } from '../../config/load.js';
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

/**
 * `wsgate dev --workers N`: N gateway processes behind one port (Node's cluster module hands each new TCP connection
 * to the next worker), joined through a Redis: the one given, or a redis-server started for the run.
 */
export async function runDevWorkers(options: DevOptions, cliOptions: Record<string, string | boolean>, argv: readonly string[]): Promise<number> {
  const count = parseWorkers(options.workers!);
  const port = await reservePort(Number(options.port) || 0, options.host);
  const loaded = await loadService({ configFile: options.config, stage: options.stage, region: options.region, cliOptions, gatewayEndpoint: { host: displayHost(options.host), port } });
  refuseEmbeddedTables(loaded, options);
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
  cluster.setupPrimary({ args: [...workerArgs(argv), '--port', String(port), '--no-inspector'], silent: true });
  let stopping = false;
  let listening = 0;
  let failed = false;
  const exits: Promise<void>[] = [];
  const workers = new Map<number, Worker>();
  const fork = (index: number) => {
    const worker = cluster.fork({ [NODE_ID_VARIABLE]: `${base}-w${index}`, [REDIS_URL_VARIABLE]: url, WSGATE_WORKER_INDEX: String(index) });
    workers.set(index, worker);
    const prefix = `[w${index}] `;
    createInterface({ input: worker.process.stdout! }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
    createInterface({ input: worker.process.stderr! }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
    let up = false;
    worker.once('listening', () => {
      up = true;
      if (++listening === count) print('Press Ctrl-C to stop.');
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
  for (let index = 1; index <= count; index++) fork(index);

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

/** The command line of a worker: the user's, without --workers (workers are not primaries) nor --port. */
function workerArgs(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--workers' || arg === '--port' || arg === '-p') i++;
    else if (!arg.startsWith('--workers=') && !arg.startsWith('--port=')) args.push(arg);
  }
  return args;
}

/** The embedded DynamoDB endpoint is one process's: N workers would each start their own tables. */
function refuseEmbeddedTables({ model, config, sourceMap }: Awaited<ReturnType<typeof loadService>>, options: DevOptions): void {
  if (options.dynamodb === false || process.env.AWS_ENDPOINT_URL_DYNAMODB) return;
  let tables: unknown[];
  try {
    tables = collectTables(model, LOCAL_ACCOUNT_ID);
  } catch (err) {
    throw locateError(err, config, sourceMap);
  }
  if (tables.length === 0) return;
  throw new WsgateError({
    code: 'CLI_WORKERS_WITH_TABLES',
    message: `--workers cannot share the embedded DynamoDB endpoint between its gateways: each would hold its own copy of ${model.service}'s tables.`,
    path: '--workers',
    hint: 'Run one DynamoDB endpoint for all (DynamoDB Local, say) and start with AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 wsgate dev --workers N; or drop --workers.',
  });
}
