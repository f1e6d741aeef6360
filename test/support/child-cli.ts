import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  stderr: string[];
  /** Resolves with the `occurrence`th (default first) stdout/stderr line, past or future, matching `pattern`. */
  waitForLine(pattern: RegExp, occurrence?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Runs the built CLI (`bin/wsgate.js`, needs `npm run build`) as a real child process. */
export function runCli(args: string[], options: { cwd?: string; detached?: boolean; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, [`${repoRoot}bin/wsgate.js`, ...args], {
    cwd: options.cwd ?? repoRoot,
    stdio: 'pipe',
    detached: options.detached ?? false,
    env: options.env ?? process.env,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; left: number; resolve: (line: string) => void }[] = [];
  const onLine = (into: string[]) => (line: string) => {
    into.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line) && --waiter.left === 0) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine(stdout));
  createInterface({ input: child.stderr }).on('line', onLine(stderr));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLine(pattern, occurrence = 1) {
      const found = [...stdout, ...stderr].filter((line) => pattern.test(line));
      if (found.length >= occurrence) return Promise.resolve(found[occurrence - 1]!);
      return new Promise((resolve) => waiters.push({ pattern, left: occurrence - found.length, resolve }));
    },
  };
}

/** Kills a CLI process a test left running (after a failed assertion) and waits for it to end. */
export async function killIfRunning(cli: CliProcess | undefined): Promise<void> {
  if (!cli || cli.child.exitCode !== null) return;
  cli.child.kill('SIGKILL');
  await cli.exited;
}
