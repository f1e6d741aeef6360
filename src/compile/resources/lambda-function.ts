import type { FunctionModel, ServiceModel } from '../../config/model.js';
import { getAtt, isIntrinsic, type CfnResource } from '../cfn.js';
import { LAMBDA_EXECUTION_ROLE_ID, logGroupId } from '../naming.js';

export interface FunctionCode {
  S3Bucket: unknown;
  S3Key: string;
}

/** `AWS::Lambda::Function` with v3's property order, so templates diff cleanly against Serverless output. */
export function compileLambdaFunction(model: ServiceModel, fn: FunctionModel, code: FunctionCode): CfnResource {
  const properties: Record<string, unknown> = {
    Code: { S3Bucket: code.S3Bucket, S3Key: code.S3Key },
    Handler: fn.handler,
    Runtime: fn.runtime,
    FunctionName: fn.name,
    MemorySize: fn.memorySize,
    Timeout: fn.timeout,
  };
  if (fn.description) properties.Description = fn.description;
  const tags = { ...model.provider.tags, ...fn.tags };
  if (Object.keys(tags).length > 0) {
    properties.Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  }
  if (Object.keys(fn.environment).length > 0) properties.Environment = { Variables: { ...fn.environment } };
  if (fn.layers && fn.layers.length > 0) properties.Layers = [...fn.layers];
  const dependsOn = [logGroupId(fn.key)];
  const role = model.provider.iamRole;
  if (role === undefined) {
    properties.Role = getAtt(LAMBDA_EXECUTION_ROLE_ID, 'Arn');
  } else if (typeof role === 'string') {
    if (role.startsWith('arn:')) {
      properties.Role = role;
    } else {
      // A logical id of a role declared under `resources:`.
      properties.Role = getAtt(role, 'Arn');
      dependsOn.push(role);
    }
  } else {
    properties.Role = role;
    const target = isIntrinsic(role) ? (role as Record<string, unknown>)['Fn::GetAtt'] : undefined;
    if (Array.isArray(target) && typeof target[0] === 'string') dependsOn.push(target[0]);
  }
  const architecture = fn.architecture ?? model.provider.architecture;
  if (architecture) properties.Architectures = [architecture];
  return { Type: 'AWS::Lambda::Function', Properties: properties, DependsOn: dependsOn };
}
