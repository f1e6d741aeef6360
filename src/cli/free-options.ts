import { WsgateError } from '../errors.js';

/**
 * The options `${opt:…}` sees, as in Serverless: every free `--name value`, `--name=value` and bare
 * `--flag` that commander does not know, then the command's own string/boolean options (they win).
 * A repeated `--param` or `--var` keeps every value, one per line.
 */
export function collectCliOptions(
  freeArgs: readonly string[],
  knownOptions: object,
): Record<string, string | boolean> {
  const out = parseFreeOptions(freeArgs);
  for (const [key, value] of Object.entries(knownOptions)) {
    if (typeof value === 'string' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

export function parseFreeOptions(args: readonly string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new WsgateError({
        code: 'CLI_UNEXPECTED_ARGUMENT',
        message: `Unexpected argument "${arg}"`,
        hint: 'Free options take the form --name value or --name=value.',
      });
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    let value: string | boolean;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) value = args[++i];
    else value = true;
    const previous = out[name];
    if ((name === 'param' || name === 'var') && typeof previous === 'string' && typeof value === 'string') out[name] = `${previous}\n${value}`;
    else out[name] = value;
  }
  return out;
}
