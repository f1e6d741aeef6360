import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { WsgateError } from '../errors.js';

/** Serverless v3's order (`lib/cli/resolve-configuration-path.js`): the first that exists is used. */
export const CONFIG_FILE_EXTENSIONS = ['yml', 'yaml', 'json', 'js', 'mjs', 'cjs', 'ts'] as const;
export const CONFIG_FILE_NAMES = CONFIG_FILE_EXTENSIONS.map((extension) => `serverless.${extension}`);

/** Finds the configuration file: `configFile` if given (relative to serviceDir), else the first default name. */
export function findConfigFile(serviceDir: string, configFile?: string): string {
  if (configFile !== undefined) {
    const file = path.resolve(serviceDir, configFile);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new WsgateError({
        code: 'CONFIG_FILE_NOT_FOUND',
        message: `Configuration file "${configFile}" not found (looked for ${file})`,
        location: { file },
        hint: 'Check the path given to --config; it is relative to the current folder.',
      });
    }
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(serviceDir, name);
    if (existsSync(file)) return file;
  }
  throw new WsgateError({
    code: 'CONFIG_FILE_NOT_FOUND',
    message: `No ${CONFIG_FILE_NAMES.join(', ')} in ${serviceDir}`,
    hint: 'Run wsgate in the service folder, or name the file with --config.',
  });
}

/** The formats Serverless v3 reads; another extension is refused before anything is read. */
export function assertSupportedConfigFile(file: string): void {
  const extension = path.extname(file).slice(1);
  if (!(CONFIG_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new WsgateError({
      code: 'CONFIG_UNSUPPORTED_FORMAT',
      message: `Cannot read ${path.basename(file)}: unsupported file extension (expected one of: ${CONFIG_FILE_EXTENSIONS.join(', ')})`,
      location: { file },
      hint: 'Name the configuration serverless.yml, .yaml, .json, .js, .mjs, .cjs or .ts.',
    });
  }
}

/** JavaScript and TypeScript configurations are run to get their value; YAML and JSON are parsed. */
export function isScriptConfigFile(file: string): boolean {
  return /\.(js|mjs|cjs|ts)$/.test(file);
}
