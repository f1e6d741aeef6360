import { VariableSourceError, type VariableSource } from '../source.js';
import { findLocalValue, missingLocalValue } from './local-values.js';

/**
 * `${ssm(region, raw, noDecrypt):/path}` from a local value keyed `ssm:/path`. A list stands for a StringList
 * parameter: v3 gives it as a list, or as its comma-joined text with `raw`. Parameters do not change the key.
 */
export const resolveSsmSource: VariableSource = async ({ address, params }, ctx) => {
  if (!address) {
    throw new VariableSourceError('MISSING_SLS_SOURCE_ADDRESS', 'Missing address argument in variable "ssm" source', 'Write ${ssm:/parameter/name}.');
  }
  const key = `ssm:${address}`;
  const value = await findLocalValue(key, ctx);
  if (value === undefined) throw missingLocalValue(key);
  if (params.includes('raw') && Array.isArray(value)) return value.join(',');
  return value;
};
