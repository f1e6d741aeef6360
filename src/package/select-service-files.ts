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
  if (model.package.excludeDevDependencies) {
    patterns.push(...findDevDependencyDirs(model.serviceDir).map((dir) => `!${dir}/**`));
  }
  const included = new Map(all.map((file) => [file, true]));
  for (const pattern of patterns) {
    const exclude = pattern.startsWith('!');
    const matches = picomatch(exclude ? pattern.slice(1) : pattern, { dot: true });
    for (const file of all) if (matches(file)) included.set(file, !exclude);
  }
  return [...included]
    .filter(([, keep]) => keep)
    .map(([file]) => file)
    .sort();
}
