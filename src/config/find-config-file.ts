import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { WsgateError } from '../errors.js';

export const CONFIG_FILE_NAMES = ['serverless.yml', 'serverless.yaml', 'serverless.json'] as const;

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
    message: `No serverless.yml, serverless.yaml or serverless.json in ${serviceDir}`,
    hint: 'Run wsgate in the service folder, or name the file with --config.',
  });
}

/** Only YAML and JSON are read: serverless.js / serverless.ts would need to run user code at load time. */
export function assertSupportedConfigFile(file: string): void {
  if (!/\.(ya?ml|json)$/i.test(file)) {
    throw new WsgateError({
      code: 'CONFIG_UNSUPPORTED_FORMAT',
      message: `Cannot read ${path.basename(file)}: wsgate reads .yml, .yaml and .json configuration files`,
      location: { file },
      hint: 'Convert the configuration to serverless.yml.',
    });
  }
}
