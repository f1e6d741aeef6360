import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** wsgate's own folder in a service: TLS keys, compiled handlers, logs. Never meant to be committed. */
export const WSGATE_FOLDER = '.wsgate';

/**
 * Creates `<serviceDir>/.wsgate` if it is missing and, when wsgate creates it, puts a `.gitignore` with `*` in it,
 * so a project's git never picks up its keys and builds. Returns the folder's path. The service folder itself is
 * never created.
 */
export function ensureWsgateFolder(serviceDir: string): string {
  const folder = path.join(serviceDir, WSGATE_FOLDER);
  try {
    mkdirSync(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return folder;
    throw err;
  }
  // `*` ignores the .gitignore too: git then shows nothing of the folder.
  writeFileSync(path.join(folder, '.gitignore'), '*\n');
  return folder;
}
