import { WsgateError } from '../errors.js';
import { loadDotenv, type Environment } from './load-dotenv.js';
import type { SourceMap } from './parse-document.js';
import type { EarlyValues } from './variables/resolve.js';

/**
 * The environment `${env:…}` reads: with `useDotenv: true`, the given one plus the `.env` file of
 * the stage. As in Serverless v3, a variable that `useDotenv` or `provider.stage` looked up and did
 * not find must not be defined by that file: the stage (and so the file chosen) would depend on it.
 */
export function dotenvEnvironment(
  early: EarlyValues,
  serviceDir: string,
  env: Environment,
  sourceMap: SourceMap,
): Environment {
  if (early.useDotenv !== true) return env;
  const loaded = loadDotenv(serviceDir, early.stage, env, sourceMap.locate(['useDotenv']));
  for (const name of early.missingEnv) {
    if (!loaded.env[name] || !loaded.file) continue;
    throw new WsgateError({
      code: 'DOTENV_ENV_VAR_RESOLUTION_CONFLICT',
      message: `Cannot reliably resolve "env" variables: environment variable "${name}", which decides which .env file is read, is defined in ${loaded.file}`,
      path: 'provider.stage',
      location: sourceMap.locate(['provider', 'stage']),
      hint: `Set ${name} in the shell (or pass --stage) instead of in the .env file.`,
    });
  }
  return loaded.env;
}
