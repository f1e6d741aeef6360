import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './child-cli.js';

/** Copies of service folders a test writes into, removed by `removeAll` (call it in afterEach). */
export function createServiceCopies() {
  const dirs: string[] = [];
  return {
    /** A copy of `source` (relative to the repository) in a new temporary folder; its handlers resolve the project's dependencies. */
    async copy(source: string, prefix = 'wsgate-service-'): Promise<string> {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      // Without what a run of the service left in it: the copy starts as a fresh checkout does.
      const skipped = new Set(['.wsgate', 'node_modules', '.serverless']);
      await cp(path.join(repoRoot, source), dir, { recursive: true, filter: (from) => !skipped.has(path.basename(from)) });
      await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      return dir;
    },
    async removeAll(): Promise<void> {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
