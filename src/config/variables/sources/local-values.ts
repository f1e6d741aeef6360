import { SourceNeedsAwsError, type VariableSourceContext } from '../source.js';

/** Where AWS-only variables take their values from, locally (see docs/configuration.md). */
export const LOCAL_VARIABLES_PATH = ['custom', 'wsgate', 'variables'] as const;

/**
 * The local value of an AWS-only variable, keyed by its text without `${}` and parameters (`ssm:/app/key`):
 * `--var 'ssm:/app/key=value'` first, then `custom.wsgate.variables`. Undefined when neither has it.
 */
export async function findLocalValue(key: string, ctx: VariableSourceContext): Promise<unknown> {
  if (Object.prototype.hasOwnProperty.call(ctx.localVariables, key)) return ctx.localVariables[key];
  const keys = await ctx.resolveConfigKeys([...LOCAL_VARIABLES_PATH]);
  if (!keys?.includes(key)) return undefined;
  const value = await ctx.resolveConfigValue([...LOCAL_VARIABLES_PATH, key]);
  return value === null ? undefined : value;
}

/** No local value: treated as "no value" when a fallback follows (as v3 treats a missing parameter), else reported. */
export function missingLocalValue(key: string, why = 'wsgate does not call AWS'): SourceNeedsAwsError {
  return new SourceNeedsAwsError(
    'VARIABLES_LOCAL_VALUE_MISSING',
    `\${${key}} has no local value (${why})`,
    `Give it a value in the configuration: custom: { wsgate: { variables: { '${key}': … } } }, ` +
      `or on the command line: --var '${key}=…', or add a fallback: \${${key}, 'local-value'}.`,
  );
}

