import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

interface PackageManifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readManifest(dir: string): PackageManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
  } catch {
    return undefined;
  }
}

/** Node's resolution: the nearest `node_modules/<name>` from `fromDir` up to the service folder. */
function resolvePackageDir(name: string, fromDir: string, rootDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === rootDir || relative(rootDir, dir).startsWith('..')) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Every installed package folder under the service's node_modules (nested and scoped included). */
function listInstalledPackages(nodeModules: string, found: string[] = []): string[] {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
    const dir = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(dir, { withFileTypes: true })) {
        if (scoped.isDirectory() || scoped.isSymbolicLink()) {
          found.push(join(dir, scoped.name));
          listInstalledPackages(join(dir, scoped.name, 'node_modules'), found);
        }
      }
    } else {
      found.push(dir);
      listInstalledPackages(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

/**
 * The installed packages production code cannot reach: walks `dependencies` (and optional and peer
 * ones) from the service's package.json the way Node resolves them, and returns every other package
 * folder under node_modules, relative to the service folder with `/` separators. A package that is
 * both a dev and a production dependency stays. Empty when there is no package.json.
 */
export function findDevDependencyDirs(serviceDir: string): string[] {
  const root = readManifest(serviceDir);
  if (!root) return [];
  const reachable = new Set<string>();
  const queue: Array<[string, PackageManifest]> = [[serviceDir, root]];
  while (queue.length > 0) {
    const [dir, manifest] = queue.pop()!;
    const names = Object.keys({
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
      ...manifest.dependencies,
    });
    for (const name of names) {
      const resolved = resolvePackageDir(name, dir, serviceDir);
      if (!resolved || reachable.has(resolved)) continue;
      reachable.add(resolved);
      queue.push([resolved, readManifest(resolved) ?? {}]);
    }
  }
  return listInstalledPackages(join(serviceDir, 'node_modules'))
    .filter((dir) => !reachable.has(dir))
    .map((dir) => relative(serviceDir, dir).split(sep).join('/'))
    .sort();
}
