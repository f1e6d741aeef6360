import { createHash } from 'node:crypto';
import type { FunctionModel } from '../../config/model.js';
import { ref, type CfnOutput, type CfnResource } from '../cfn.js';
import { lambdaFunctionId, lambdaVersionId } from '../naming.js';
import { sortKeysDeep } from '../sort-keys-deep.js';

/**
 * The hash-named `AWS::Lambda::Version` of a function. As in Serverless v3 (lambdaHashingVersion
 * 20201221), the name hashes the artifact's SHA-256 and the function's configuration without
 * `Code` and `Tags`, so a new version is published exactly when code or configuration changes.
 */
export function compileLambdaVersion(
  fn: FunctionModel,
  functionResource: CfnResource,
  artifactSha256: string,
): { logicalId: string; resource: CfnResource; output: CfnOutput } {
  const { Code: _code, Tags: _tags, ...configuration } = functionResource.Properties ?? {};
  const digest = createHash('sha256')
    .update(artifactSha256)
    .update(JSON.stringify(sortKeysDeep({ ...configuration, layerConfigurations: [] })))
    .digest('base64');
  const logicalId = lambdaVersionId(fn.key, digest);
  const properties: Record<string, unknown> = {
    FunctionName: ref(lambdaFunctionId(fn.key)),
    CodeSha256: artifactSha256,
  };
  if (fn.description) properties.Description = fn.description;
  return {
    logicalId,
    resource: { Type: 'AWS::Lambda::Version', DeletionPolicy: 'Retain', Properties: properties },
    output: { Description: 'Current Lambda function version', Value: ref(logicalId) },
  };
}
