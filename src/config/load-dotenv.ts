import { readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { expand } from 'dotenv-expand';
import { WsgateError, type SourceLocation } from '../errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface LoadedDotenv {
  /** The environment the rest of the configuration resolves with. */
  env: Environment;
  /** The file read; undefined when neither `.env.{stage}` nor `.env` exists. */
  file?: string;
}

/**
 * `useDotenv: true`, with Serverless v3's rules (`lib/cli/load-dotenv.js`): `.env.{stage}` of the
 * service folder, or `.env` only when that file does not exist (never both). A variable already set
 * keeps its value, even an empty one; the file's values are expanded (`$A`, `${A}`, `${A:-default}`)
 * against the environment and the file. Nothing is written to `process.env`: a reload reads the
 * file again instead of finding its old values already set.
 */
export function loadDotenv(
  serviceDir: string,
  stage: string,
  env: Environment,
  useDotenvAt?: SourceLocation,
): LoadedDotenv {
  for (const name of [`.env.${stage}`, '.env']) {
    const file = path.join(serviceDir, name);
    const text = readDotenvFile(file, useDotenvAt);
    if (text === undefined) continue;
    const parsed = dotenv.parse(text);
    const expansionEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) if (value !== undefined) expansionEnv[key] = value;
    // dotenv.config() fills the environment before v3 expands: later lines may refer to earlier and later ones.
    dotenv.populate(expansionEnv, { ...parsed });
    expand({ parsed, processEnv: expansionEnv });
    const result: Record<string, string | undefined> = { ...env };
    for (const [key, value] of Object.entries(parsed)) if (env[key] === undefined) result[key] = value;
    return { env: result, file };
  }
  return { env };
}

function readDotenvFile(file: string, useDotenvAt: SourceLocation | undefined): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new WsgateError({
      code: 'DOTENV_LOAD_ERROR',
      message: `Failed to load environment variables from "${file}": ${code ?? (err as Error).message}`,
      path: 'useDotenv',
      location: useDotenvAt ?? { file },
      hint: `Make ${path.basename(file)} a readable file of NAME=value lines, or remove useDotenv.`,
      cause: err,
    });
  }
}
