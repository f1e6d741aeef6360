/**
 * Free CLI options (`--key value`, `--key=value`, `--flag`) that commander does not know, so that every
 * option reaches `${opt:…}` as in Serverless. A repeated `--param` keeps every value, one per line.
 */
export function collectFreeOptions(args: readonly string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') continue;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    let value: string | boolean;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) value = args[++i];
    else value = true;
    if (name === 'param' && typeof out.param === 'string' && typeof value === 'string') out.param = `${out.param}\n${value}`;
    else out[name] = value;
  }
  return out;
}
