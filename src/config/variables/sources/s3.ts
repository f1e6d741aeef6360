import { VariableSourceError, type VariableSource } from '../source.js';
import { findLocalValue, missingLocalValue } from './local-values.js';

/** `${s3:bucket/key}`: the object's body as text, from a local value keyed `s3:bucket/key`. */
export const resolveS3Source: VariableSource = async ({ address }, ctx) => {
  if (!address) {
    throw new VariableSourceError('MISSING_S3_SOURCE_ADDRESS', 'Missing address argument in variable "s3" source', 'Write ${s3:bucket-name/key}.');
  }
  if (!address.includes('/')) {
    throw new VariableSourceError(
      'UNSUPPORTED_S3_SOURCE_ADDRESS',
      `Unsupported "${address}" address argument in variable "s3" source. Expected "<bucket-name>/<key>" format`,
      'Write ${s3:bucket-name/key}.',
    );
  }
  const key = `s3:${address}`;
  const value = await findLocalValue(key, ctx);
  if (value === undefined) throw missingLocalValue(key);
  return typeof value === 'string' ? value : JSON.stringify(value);
};
