import { WsgateError } from '../../errors.js';

/**
 * `--var 'ssm:/app/key=value'` (repeatable; the free-option parser joins repeats with newlines): local values of
 * AWS-only variables, keyed by the variable's text. The first `=` ends the key, so values may hold `=`.
 */
export function parseVarOptions(option: string | boolean | undefined): Record<string, string> {
  if (option === undefined) return {};
  const out: Record<string, string> = {};
  for (const entry of typeof option === 'string' ? option.split('\n') : ['']) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new WsgateError({
        code: 'CLI_INVALID_OPTION',
        message: `--var must be <variable>=<value>, got "${entry}"`,
        path: '--var',
        hint: "Write the variable without ${}, e.g. --var 'ssm:/app/key=local-value' or --var 'cf:other-stack.Url=http://127.0.0.1:4000'.",
      });
    }
    out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}
