import { SourceNeedsAwsError, type VariableSource } from '../source.js';

/**
 * `${cf:…}`, `${ssm:…}`, `${s3:…}` and `${aws:accountId}` need an AWS account, which wsgate never calls.
 * `${aws:region}` needs none: it is the resolved region, as Serverless computes it.
 */
export function createAwsOnlySource(type: string): VariableSource {
  return async ({ address, params }, ctx) => {
    if (type === 'aws' && address === 'region') return ctx.resolveRegion();
    const shown = `\${${type}${params.length ? `(${params.join(', ')})` : ''}${address !== undefined ? `:${address}` : ''}}`;
    throw new SourceNeedsAwsError(
      'VARIABLES_AWS_SOURCE_UNAVAILABLE',
      `${shown} needs AWS, which wsgate does not call`,
      `Give it a fallback for local use, e.g. \${${type}:${address ?? ''}, 'local-value'}, or set the value with \${env:…} / \${opt:…}.`,
    );
  };
}
