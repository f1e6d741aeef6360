import { Ajv, type ValidateFunction } from 'ajv';
import { CONFIG_SCHEMA } from './schema.js';

/** The one set of ajv options, for the validator compiled at start and the one compiled ahead by the build. */
export const CONFIG_SCHEMA_AJV_OPTIONS = { allErrors: true, verbose: true, strict: false } as const;

/** Compiles the configuration schema; `source` keeps the generated code for `ajv/dist/standalone`. */
export function compileConfigSchema(source = false): { ajv: Ajv; validate: ValidateFunction } {
  const ajv = new Ajv({ ...CONFIG_SCHEMA_AJV_OPTIONS, ...(source ? { code: { source: true } } : {}) });
  return { ajv, validate: ajv.compile(CONFIG_SCHEMA) };
}
