import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WsgateError } from '../../errors.js';

export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * A redis-server of this machine on a loopback port, without persistence: the registry of `wsgate dev --workers`
 * when no Redis is given. It lives as long as the command.
 */
export async function startEmbeddedRedis(port: number): Promise<EmbeddedRedis> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (/Ready to accept connections/.test(line)) resolve();
    });
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new WsgateError({
          code: 'REDIS_NOT_INSTALLED',
          message: err.code === 'ENOENT' ? '--workers needs a Redis, and redis-server is not installed on this machine.' : `Cannot start redis-server: ${err.message}`,
          path: '--workers',
          hint: 'Install Redis 6 or later (Debian: apt-get install redis-server), or give one with --redis redis://host:port.',
        }),
      ),
    );
    child.once('exit', (code) =>
      reject(
        new WsgateError({
          code: 'REDIS_NOT_STARTED',
          message: `redis-server exited with code ${code} before it was ready: ${output.slice(-3).join(' ')}`,
          path: '--workers',
          hint: 'Give a running Redis with --redis redis://host:port.',
        }),
      ),
    );
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
