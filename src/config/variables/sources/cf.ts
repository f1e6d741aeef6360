import { VariableSourceError, type VariableSource } from '../source.js';
import { findLocalValue, missingLocalValue } from './local-values.js';
import { ownStackName, ownStackOutput } from './own-stack-outputs.js';

/**
 * `${cf(region):stack.Output}`. A local value keyed `cf:stack.Output` wins; else an output of this service's own
 * stack is what wsgate itself would output (see own-stack-outputs.ts); any other stack needs a local value.
 */
export const resolveCfSource: VariableSource = async ({ address }, ctx) => {
  if (!address) {
    throw new VariableSourceError('MISSING_SLS_SOURCE_ADDRESS', 'Missing address argument in variable "cf" source', 'Write ${cf:stack-name.OutputKey}.');
  }
  const dot = address.indexOf('.');
  if (dot === -1) {
    throw new VariableSourceError(
      'UNSUPPORTED_SLS_SOURCE_ADDRESS',
      `Unsupported "${address}" address argument in variable "cf" source. Expected "<stack-name>.<output-id>" format`,
      'Write ${cf:stack-name.OutputKey}.',
    );
  }
  const key = `cf:${address}`;
  const local = await findLocalValue(key, ctx);
  if (local !== undefined) return local;
  const stackName = address.slice(0, dot);
  const own = await ownStackName(ctx);
  if (stackName !== own) throw missingLocalValue(key, `stack "${stackName}" is not this service's own stack "${own}", and wsgate does not call AWS`);
  const output = await ownStackOutput(address.slice(dot + 1), ctx);
  if (output.value === undefined) throw missingLocalValue(key, output.why);
  return output.value;
};
