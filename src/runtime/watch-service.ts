import { watch, readdirSync, statSync, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** Folders whose changes never reload handlers: dependencies, build output, wsgate's own files, git. */
export const IGNORED_FOLDERS = new Set(['node_modules', '.serverless', '.wsgate', '.git']);

export interface ServiceWatcher {
  close(): void;
}

function isIgnored(relativePath: string): boolean {
  // A log file is never code: `wsgate dev > dev.log` in the service folder would otherwise reload the handlers on
  // each line it prints, and print a line for each reload.
  return relativePath.endsWith('.log') || relativePath.split(/[\\/]/).some((segment) => IGNORED_FOLDERS.has(segment));
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Watch a service folder for changes outside the ignored folders and report them, debounced, as one batch
 * of paths relative to the folder. The top level is watched flat and each of its folders recursively, so
 * a large `node_modules` costs no watchers.
 */
export function watchService(
  dir: string,
  onChange: (changedPaths: string[]) => void,
  onError: (error: Error) => void,
  debounceMs = 100,
): ServiceWatcher {
  const watchers = new Map<string, FSWatcher>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const report = (relativePath: string) => {
    if (closed || isIgnored(relativePath)) return;
    pending.add(relativePath);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = [...pending].sort();
      pending = new Set();
      onChange(changed);
    }, debounceMs);
  };

  const add = (key: string, target: string, recursive: boolean, prefix: string) => {
    if (watchers.has(key)) return;
    try {
      const watcher = watch(target, { recursive }, (_event, filename) => {
        const name = filename ? path.join(prefix, filename.toString()) : prefix;
        if (!recursive && filename && isDirectory(path.join(dir, name))) addFolder(name);
        report(name || '.');
      });
      watcher.on('error', (error) => {
        watchers.delete(key);
        watcher.close();
        if (!closed && (error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error);
      });
      watchers.set(key, watcher);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error as Error);
    }
  };
  const addFolder = (name: string) => {
    if (!IGNORED_FOLDERS.has(name)) add(name, path.join(dir, name), true, name);
  };

  add('.', dir, false, '');
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) addFolder(entry.name);
  }

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
