// Starting and stopping the servers under test: the bare `ws` baselines, wsgate, and serverless-offline 13.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const BENCH_DIR = new URL('..', import.meta.url).pathname;
const SCRATCH = join(BENCH_DIR, '.scratch/offline');

/** Waits until a line of the child's output matches; rejects if the process ends or the time runs out. */
function waitForLine(child, pattern, timeoutMs, label) {
  return new Promise((resolve, reject) => {
    const seen = [];
    const timer = setTimeout(() => done(new Error(`${label} not ready after ${timeoutMs} ms:\n${seen.slice(-20).join('\n')}`)), timeoutMs);
    const readers = [child.stdout, child.stderr].map((stream) => createInterface({ input: stream }));
    const onLine = (line) => {
      seen.push(line);
      const match = pattern.exec(line);
      if (match) done(undefined, match);
    };
    const onExit = (code) => done(new Error(`${label} exited (${code}) before it was ready:\n${seen.slice(-20).join('\n')}`));
    function done(err, match) {
      clearTimeout(timer);
      child.off('exit', onExit);
      for (const reader of readers) reader.off('line', onLine);
      // Keep draining the output so the child never blocks on a full pipe.
      child.stdout.resume();
      child.stderr.resume();
      if (err) reject(err);
      else resolve(match);
    }
    for (const reader of readers) reader.on('line', onLine);
    child.once('exit', onExit);
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startNodeServer(name, script) {
  const child = spawn(process.execPath, [join(BENCH_DIR, script)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let port;
  try {
    ({ port } = JSON.parse((await waitForLine(child, /^\{"port":\d+/, 20_000, name)).input));
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { name, pid: child.pid, url: `ws://127.0.0.1:${port}/?token=bench`, stop: () => stopChild(child) };
}

export const startBareEcho = () => startNodeServer('bare ws echo', 'servers/bare-echo.js');
export const startBareAsync = () => startNodeServer('bare ws + async fn', 'servers/bare-async.js');
export const startBareProcessHop = () => startNodeServer('bare ws + handler process', 'servers/bare-process-hop.js');
export const startWsgate = () => startNodeServer('wsgate', 'servers/wsgate.js');
export const startWsgatePython = () => startNodeServer('wsgate (bench/python-service)', 'servers/wsgate-python.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Installs serverless@3 and serverless-offline@13 into bench/.scratch/offline (never into the project). */
export function ensureServerlessOffline(log) {
  const bin = join(SCRATCH, 'node_modules/serverless/bin/serverless.js');
  const plugin = join(SCRATCH, 'node_modules/serverless-offline/package.json');
  if (!existsSync(bin) || !existsSync(plugin)) {
    mkdirSync(SCRATCH, { recursive: true });
    writeFileSync(join(SCRATCH, 'package.json'), '{ "name": "offline-bench", "private": true }\n');
    log('installing serverless@3 and serverless-offline@13 into bench/.scratch/offline …');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', 'serverless@3', 'serverless-offline@13'], {
      cwd: SCRATCH,
      stdio: 'inherit',
      timeout: 600_000,
    });
  }
  mkdirSync(join(SCRATCH, 'home'), { recursive: true });
  const service = join(SCRATCH, 'service');
  rmSync(service, { recursive: true, force: true });
  cpSync(join(BENCH_DIR, 'service'), service, { recursive: true });
  const yml = readFileSync(join(service, 'serverless.yml'), 'utf8');
  writeFileSync(join(service, 'serverless.yml'), `${yml}\nplugins:\n  - serverless-offline\n`);
  const versions = {
    serverless: JSON.parse(readFileSync(join(SCRATCH, 'node_modules/serverless/package.json'), 'utf8')).version,
    offline: JSON.parse(readFileSync(plugin, 'utf8')).version,
  };
  return { bin, service, versions };
}

/** serverless-offline on the same service: `inProcess` runs handlers in the gateway's process, else worker threads. */
export async function startServerlessOffline(install, inProcess) {
  const [websocketPort, httpPort, lambdaPort] = [await freePort(), await freePort(), await freePort()];
  const args = [install.bin, 'offline', 'start', '--host', '127.0.0.1', '--websocketPort', websocketPort, '--httpPort', httpPort, '--lambdaPort', lambdaPort];
  if (inProcess) args.push('--useInProcess');
  const child = spawn(process.execPath, args.map(String), {
    cwd: install.service,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: join(SCRATCH, 'home'),
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_REGION: 'us-east-1',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_DEPRECATION_DISABLE: '*',
      OFFLINE_ENDPOINT: `http://127.0.0.1:${websocketPort}`,
    },
  });
  try {
    await waitForLine(child, /Offline \[websocket\] listening/, 60_000, 'serverless-offline');
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return {
    name: `serverless-offline ${inProcess ? '--useInProcess' : '(worker threads)'}`,
    pid: child.pid,
    url: `ws://127.0.0.1:${websocketPort}/?token=bench`,
    stop: () => stopChild(child),
  };
}
