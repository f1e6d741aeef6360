import { isRecord } from '../../is-record.js';
import { VariableSourceError, type VariableSource } from '../source.js';

/**
 * `${param:key}`: `--param "key=value"` first, then `params.<stage>.key`, then `params.default.key`
 * of the configuration, as Serverless v3 reads them (no Dashboard parameters).
 */
export const resolveParamSource: VariableSource = async ({ address }, ctx) => {
  if (!address) {
    throw new VariableSourceError('MISSING_PARAM_SOURCE_ADDRESS', 'Missing address argument in variable "param" source', 'Write ${param:name}.');
  }
  const fromCli = readCliParams(ctx.options.param);
  if (fromCli.has(address)) return fromCli.get(address);
  const params = await ctx.resolveConfigValue(['params']);
  if (!isRecord(params)) return null;
  const stage = await ctx.resolveStage();
  for (const group of [params[stage], params.default]) {
    if (isRecord(group) && group[address] !== undefined && group[address] !== null) return group[address];
  }
  return null;
};

function readCliParams(raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const values = typeof raw === 'string' ? raw.split('\n') : [];
  for (const text of values) {
    const eq = text.indexOf('=');
    if (eq > 0) out.set(text.slice(0, eq), text.slice(eq + 1));
  }
  return out;
}
