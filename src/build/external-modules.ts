import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import type { ErrorDetail } from '../errors.js';
import { isRecord, type Dict } from '../config/is-record.js';
import { folderEntries, type ZipEntry } from '../package/zip-files.js';

/** serverless-esbuild lets these through when they are devDependencies: the runtime has them. */
const IGNORED_DEV_DEPENDENCIES = new Set(['aws-sdk']);

interface Found {
  /** The package's folder. */
  readonly dir: string;
  /** Where it goes in the zip, `node_modules/…` as npm would have installed it under the bundle. */
  readonly zipDir: string;
}

function readPackageJson(dir: string): Dict {
  try {
    const value: unknown = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

const names = (value: unknown): string[] => (isRecord(value) ? Object.keys(value) : []);

/** The nearest package.json at or above the service folder (serverless-esbuild's `findUp('package.json')`). */
function servicePackageJson(serviceDir: string): Dict {
  for (let dir = serviceDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return readPackageJson(dir);
    if (path.dirname(dir) === dir) return {};
  }
}

/**
 * Node's lookup of package `name` from folder `from`: `from/node_modules/name`, then each parent's. The zip folder
 * keeps the nesting below the service (a copy hoisted above it, in a workspace root, goes to the top).
 */
function resolvePackage(name: string, from: string, serviceDir: string, zipDirs: ReadonlyMap<string, string>): Found | undefined {
  for (let owner = from; ; owner = path.dirname(owner)) {
    if (path.basename(owner) !== 'node_modules') {
      const dir = path.join(owner, 'node_modules', name);
      if (existsSync(path.join(dir, 'package.json'))) {
        const inService = !path.relative(serviceDir, owner).startsWith('..');
        const ownerZipDir = zipDirs.get(owner) ?? (inService ? path.relative(serviceDir, owner).split(path.sep).join('/') : '');
        return { dir, zipDir: [ownerZipDir, 'node_modules', name].filter(Boolean).join('/') };
      }
    }
    if (path.dirname(owner) === owner) return undefined;
  }
}

/** What a package needs installed beside it, as npm installs it: dependencies, optional ones, non-optional peers. */
function requirementsOf(pkg: Dict): { name: string; optional: boolean; peer: boolean }[] {
  const optionalPeers = new Set(Object.entries(isRecord(pkg.peerDependenciesMeta) ? pkg.peerDependenciesMeta : {})
    .filter(([, meta]) => isRecord(meta) && meta.optional === true)
    .map(([name]) => name));
  return [
    ...names(pkg.dependencies).map((name) => ({ name, optional: false, peer: false })),
    ...names(pkg.optionalDependencies).map((name) => ({ name, optional: true, peer: false })),
    ...names(pkg.peerDependencies).filter((name) => !optionalPeers.has(name)).map((name) => ({ name, optional: false, peer: true })),
  ];
}

/**
 * The zip entries of `custom.esbuild.external` packages with everything they need at run time, copied from the
 * service's node_modules. serverless-esbuild writes a package.json with the externals (and their non-optional peers)
 * and runs the packager's install; wsgate never installs, so the installed tree stands for it, with the same
 * refusal of an external that is only a devDependency.
 */
export async function externalModuleEntries(
  serviceDir: string,
  externals: readonly string[],
  /** serverless-esbuild's `exclude` (globs allowed): the runtime provides them, so a peer among them is not zipped. */
  provided: readonly string[],
  configFile: string,
  issues: ErrorDetail[],
): Promise<ZipEntry[]> {
  const isProvided = picomatch([...provided]);
  // Each artifact of a service packaged individually checks the same externals: one report each.
  const report = (issue: ErrorDetail) => {
    if (!issues.some((known) => known.code === issue.code && known.message === issue.message)) issues.push(issue);
  };
  const pkg = servicePackageJson(serviceDir);
  const dependencies = new Set(names(pkg.dependencies));
  const devDependencies = new Set(names(pkg.devDependencies));
  const zipDirs = new Map<string, string>();
  const queue: { name: string; from: string; optional: boolean; external?: number }[] = [];
  externals.forEach((name, i) => {
    if (!dependencies.has(name) && devDependencies.has(name)) {
      if (IGNORED_DEV_DEPENDENCIES.has(name)) return;
      report({
        code: 'PACKAGE_EXTERNAL_DEV_DEPENDENCY',
        message: `external module '${name}' is a devDependency: the bundle loads it at run time, so the zip must hold it`,
        path: `custom.esbuild.external[${i}]`,
        location: { file: configFile },
        hint: `Move '${name}' to dependencies in package.json (serverless-esbuild refuses it the same way), or bundle it by removing it from custom.esbuild.external.`,
      });
      return;
    }
    queue.push({ name, from: serviceDir, optional: false, external: i });
  });

  const found: Found[] = [];
  while (queue.length > 0) {
    const { name, from, optional, external } = queue.shift()!;
    const resolved = resolvePackage(name, from, serviceDir, zipDirs);
    if (!resolved) {
      if (optional) continue;
      report({
        code: 'PACKAGE_EXTERNAL_NOT_INSTALLED',
        message:
          external !== undefined
            ? `external module '${name}' is not installed in node_modules: the bundle would not find it on Lambda`
            : `'${name}', which an external module needs (from ${path.relative(serviceDir, from) || '.'}), is not installed in node_modules`,
        path: external !== undefined ? `custom.esbuild.external[${external}]` : 'custom.esbuild.external',
        location: { file: configFile },
        hint: 'Run npm install (wsgate zips the installed packages; it installs nothing itself).',
      });
      continue;
    }
    if (found.some((f) => f.zipDir === resolved.zipDir)) continue;
    zipDirs.set(resolved.dir, resolved.zipDir);
    found.push(resolved);
    for (const requirement of requirementsOf(readPackageJson(resolved.dir))) {
      if (requirement.peer && provided.length > 0 && isProvided(requirement.name)) continue;
      queue.push({ name: requirement.name, optional: requirement.optional, from: resolved.dir });
    }
  }

  const entries: ZipEntry[] = [];
  for (const { dir, zipDir } of found) {
    // A package's own node_modules hold other packages: those come in through the closure, when needed.
    const files = await glob(['**'], { cwd: dir, dot: true, onlyFiles: true, followSymbolicLinks: true, ignore: ['**/node_modules/**'] });
    for (const entry of folderEntries(dir, files.sort())) entries.push({ ...entry, name: `${zipDir}/${entry.name}` });
  }
  return entries;
}
