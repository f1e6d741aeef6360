import { VariableSourceError, type VariableSource } from '../source.js';

/** `${env:NAME}`: an environment variable; an empty one counts as unset, as in Serverless. */
export const resolveEnvSource: VariableSource = ({ address }, ctx) => {
  if (!address) {
    throw new VariableSourceError('MISSING_ENV_SOURCE_ADDRESS', 'Missing address argument in variable "env" source', 'Write ${env:NAME}.');
  }
  return ctx.env[address] || null;
};
