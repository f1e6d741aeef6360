import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

const importable = new Map<string, boolean>();

/** Whether `import debugpy` works in that interpreter (asked once per interpreter, only with `--inspect`). */
export function hasDebugpy(python: string): boolean {
  let known = importable.get(python);
  if (known === undefined) {
    try {
      execFileSync(python, ['-c', 'import debugpy'], { stdio: 'ignore', timeout: 15_000 });
      known = true;
    } catch {
      known = false;
    }
    importable.set(python, known);
  }
  return known;
}

/**
 * The interpreter arguments that run a script under debugpy, listening on 127.0.0.1:`port` without waiting for a
 * client. Frozen standard modules off: debugpy warns that breakpoints in them could be missed otherwise.
 */
export function debugpyArguments(port: number): string[] {
  return ['-Xfrozen_modules=off', '-m', 'debugpy', '--listen', `127.0.0.1:${port}`];
}

/** A port free on 127.0.0.1 now (`--inspect=0`: debugpy prints no port of its own choosing). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
