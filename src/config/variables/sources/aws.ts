import { LOCAL_ACCOUNT_ID } from '../../../gateway/ids.js';
import { DeployTimeValue, VariableSourceError, type VariableSource } from '../source.js';
import { findLocalValue } from './local-values.js';

/**
 * `${aws:accountId}`: the local account id the gateway uses in ARNs (dev), `{ Ref: AWS::AccountId }` in
 * `package`, which cannot ask STS as v3 does. `${aws:region}`: the region in effect, as v3 computes it.
 * A local value (`custom.wsgate.variables` / `--var`) wins over both.
 */
export const resolveAwsSource: VariableSource = async ({ address }, ctx) => {
  if (!address) {
    throw new VariableSourceError('MISSING_AWS_SOURCE_ADDRESS', 'Missing address argument in variable "aws" source', 'Write ${aws:accountId} or ${aws:region}.');
  }
  const local = await findLocalValue(`aws:${address}`, ctx);
  if (local !== undefined) return local;
  switch (address) {
    case 'accountId':
      return ctx.mode === 'package' ? new DeployTimeValue({ Ref: 'AWS::AccountId' }) : LOCAL_ACCOUNT_ID;
    case 'region':
      return ctx.resolveRegion();
    default:
      throw new VariableSourceError(
        'UNSUPPORTED_AWS_SOURCE_ADDRESS',
        `Unsupported "${address}" address argument in variable "aws" source`,
        `The "aws" source knows "accountId" and "region"; another value can be given in custom.wsgate.variables under 'aws:${address}'.`,
      );
  }
};
