import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import { basename } from 'node:path';
import type { FunctionModel, ServiceModel } from '../config/model.js';
import { findDevDependencyDirs } from './find-dev-dependencies.js';

/** Never packaged: Serverless v3's defaults, plus wsgate's own state folder. */
export const DEFAULT_EXCLUDES = [
  '.git/**',
  '.gitignore',
  '.DS_Store',
  'npm-debug.log',
  'yarn-*.log',
  '.serverless/**',
  '.serverless_plugins/**',
  '.wsgate/**',
];

/** Every file of the service folder (relative, `/`-separated) and the development dependencies to leave out. */
export interface ServiceFiles {
  readonly all: readonly string[];
  readonly devDependencyDirs: ReadonlySet<string>;
}

/** Reads the service folder once; each artifact then picks its files from it. */
export async function listServiceFiles(model: ServiceModel): Promise<ServiceFiles> {
  const all = await glob(['**'], {
    cwd: model.serviceDir,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: true,
    expandDirectories: false,
  });
  const devDependencyDirs = new Set(model.package.excludeDevDependencies ? findDevDependencyDirs(model.serviceDir) : []);
  return { all, devDependencyDirs };
}

/**
 * The patterns of one artifact in Serverless v3's order (`getExcludes`, `getIncludes`,
 * `resolveFilePathsFromPatterns`): every exclude first (the defaults, the configuration file, the
 * package folder, `package.exclude` with `.env*` under `useDotenv`, the function's `exclude`), then
 * the service's `include`/`patterns` and the function's. Each list is a union: a pattern repeated
 * counts once, where it first appears.
 */
export function artifactPatterns(model: ServiceModel, fn?: FunctionModel, outputDir?: string): string[] {
  const excludes = union([
    ...DEFAULT_EXCLUDES,
    basename(model.configFile),
    ...(outputDir ? [`${outputDir}/**`] : []),
    // v3 leaves the service's layers out of function artifacts: each has its own zip.
    ...[...(model.layers?.values() ?? [])].map((layer) => `${layer.path.replace(/^\.\/+/, '').replace(/\/+$/, '')}/**`),
    ...(model.package.exclude ?? []),
    ...(fn?.package?.exclude ?? []),
  ]);
  const includes = union([...model.package.patterns, ...(fn?.package?.patterns ?? [])]);
  // An exclude written as `!x` adds x back, like any include.
  return [...excludes.map((pattern) => (pattern.startsWith('!') ? pattern.slice(1) : `!${pattern}`)), ...includes];
}

/**
 * The files of an artifact, sorted: every file, then each pattern in order (a `!` pattern excludes,
 * any other adds back), and last the development dependencies.
 */
export function pickFiles(files: ServiceFiles, patterns: readonly string[]): string[] {
  const included = new Map(files.all.map((file) => [file, true]));
  for (const pattern of patterns) {
    const exclude = pattern.startsWith('!');
    const matches = picomatch(exclude ? pattern.slice(1) : pattern, { dot: true });
    for (const file of files.all) if (matches(file)) included.set(file, !exclude);
  }
  if (files.devDependencyDirs.size > 0) {
    // Applied last, like v3's `!{dir}/**` patterns, but by folder lookup: node_modules can hold many packages.
    for (const file of files.all) if (insidePackage(file, files.devDependencyDirs)) included.set(file, false);
  }
  return [...included]
    .filter(([, keep]) => keep)
    .map(([file]) => file)
    .sort();
}

/** The files of the service artifact, or of `fn`'s own artifact. */
export async function selectServiceFiles(model: ServiceModel, outputDir?: string, fn?: FunctionModel): Promise<string[]> {
  return pickFiles(await listServiceFiles(model), artifactPatterns(model, fn, outputDir));
}

function union(patterns: readonly string[]): string[] {
  return [...new Set(patterns)];
}

/** Whether a file lies in one of the given package folders (`node_modules/x`, `node_modules/@s/x`, nested). */
function insidePackage(file: string, packageDirs: ReadonlySet<string>): boolean {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 2; i++) {
    if (parts[i] !== 'node_modules') continue;
    const end = parts[i + 1].startsWith('@') ? i + 3 : i + 2;
    if (end < parts.length && packageDirs.has(parts.slice(0, end).join('/'))) return true;
  }
  return false;
}
