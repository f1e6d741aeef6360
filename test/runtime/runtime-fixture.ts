import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionModel, ServiceModel } from '../../src/config/model.js';
import { buildServiceModel } from '../support/service-model.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/services/runtime-basic/', import.meta.url));

/** A private copy of the runtime fixture service (tests write compiled handlers and edit files there). */
export async function copyFixture(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-runtime-'));
  await cp(FIXTURE_DIR, dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export type FunctionSpec = Partial<Omit<FunctionModel, 'key'>> & { handler: string };

/** A ServiceModel with the given functions and Serverless v3 defaults (timeout 6, memory 1024). */
export function buildModel(
  serviceDir: string,
  functions: Record<string, FunctionSpec>,
  provider: { environment?: ServiceModel['provider']['environment'] } = {},
): ServiceModel {
  return buildServiceModel({
    service: 'runtime-basic',
    serviceDir,
    region: 'eu-west-1',
    functions,
    providerEnvironment: provider.environment,
  });
}

/** Whether a process id still names a running process (an exited one waiting to be reaped does not count). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Live child processes of this process running the handler runner (Linux /proc; empty elsewhere). */
export function listRunnerChildren(): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state, ppid, …
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('lambda-runner')) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Resolves once `condition` holds, checking every 20 ms; fails after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A server whose requests the test answers when it chooses: a handler waiting on it (`behave` with kind `hold`) is
 * slow for as long as the test wants, and each request that arrives is an invocation running in its own instance.
 */
export async function startHoldServer() {
  const held: ServerResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    held.push(res);
    for (const waiter of waiters.filter((w) => held.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  /** Settles once `count` handlers are waiting on the server at the same time. */
  const waitForRequests = (count: number) =>
    held.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    waitForRequest: () => waitForRequests(1),
    waitForRequests,
    /** How many handlers are waiting now. */
    waiting: () => held.length,
    release: () => held.splice(0).forEach((res) => res.end('ok')),
    close: () => {
      held.splice(0).forEach((res) => res.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
