import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Whether `file` is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` as the shell would find it: a path is taken as it is, a bare name is looked up on PATH. */
export function findExecutable(name: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return isExecutableFile(name) ? path.resolve(name) : undefined;
  for (const dir of pathVariable.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
