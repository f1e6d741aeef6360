import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import { basename } from 'node:path';
import type { ServiceModel } from '../config/model.js';
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

/**
 * The files of the service artifact, relative and sorted, with Serverless v3's semantics: every file,
 * then in order the default excludes and the configuration file, `package.patterns` (a `!` pattern
 * excludes, any other re-includes), and last the development dependencies.
 */
export async function selectServiceFiles(model: ServiceModel, outputDir?: string): Promise<string[]> {
  const all = await glob(['**'], {
    cwd: model.serviceDir,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: true,
    expandDirectories: false,
  });
  const patterns = [...DEFAULT_EXCLUDES, basename(model.configFile)].map((pattern) => `!${pattern}`);
  if (outputDir) patterns.push(`!${outputDir}/**`);
  patterns.push(...model.package.patterns);
  const included = new Map(all.map((file) => [file, true]));
  for (const pattern of patterns) {
    const exclude = pattern.startsWith('!');
    const matches = picomatch(exclude ? pattern.slice(1) : pattern, { dot: true });
    for (const file of all) if (matches(file)) included.set(file, !exclude);
  }
  if (model.package.excludeDevDependencies) {
    // Applied last, like v3's `!{dir}/**` patterns, but by folder lookup: node_modules can hold many packages.
    const devDirs = new Set(findDevDependencyDirs(model.serviceDir));
    if (devDirs.size > 0) for (const file of all) if (insidePackage(file, devDirs)) included.set(file, false);
  }
  return [...included]
    .filter(([, keep]) => keep)
    .map(([file]) => file)
    .sort();
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
