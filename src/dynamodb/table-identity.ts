import type { ServiceModel } from '../config/model.js';
import { isRecord } from '../config/is-record.js';
import { evaluateIntrinsics } from '../config/intrinsics/evaluate-intrinsics.js';
import { createServiceScope, localStackIdentity } from '../config/intrinsics/service-scope.js';
import { generatedPhysicalName } from '../config/intrinsics/resource-attributes.js';

/**
 * The names and ARNs of the service's DynamoDB tables, as CloudFormation gives them. One rule for every
 * part that needs them (the embedded endpoint, `Ref`/`Fn::GetAtt` in `environment`, stream events).
 */

/** A stream label is the time the stream was enabled; locally it is fixed, so stream ARNs are stable across runs. */
export const LOCAL_STREAM_LABEL = '1970-01-01T00:00:00.000';

/**
 * `Properties.TableName` (text, or an intrinsic the service can evaluate locally); otherwise the name CloudFormation
 * generates, `{stackName}-{LogicalId}-{13 uppercase alphanumerics}`, derived rather than random so a table keeps its
 * name (and its data) from one run to the next. The rule is the general resolver's, so `Ref` in `environment`
 * gives the same name. Undefined when TableName is an intrinsic that cannot be evaluated here.
 */
export function tableName(logicalId: string, properties: unknown, model: ServiceModel): string | undefined {
  const identity = localStackIdentity(model);
  const given = isRecord(properties) ? properties.TableName : undefined;
  if (given === undefined) return generatedPhysicalName(identity.stackName, logicalId);
  if (typeof given === 'string') return given;
  const evaluated = evaluateIntrinsics(given, createServiceScope(model, identity));
  return evaluated.ok && typeof evaluated.value === 'string' ? evaluated.value : undefined;
}

export function tableArn(name: string, region: string, accountId: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
}

/** `Fn::GetAtt Table.StreamArn`: `{tableArn}/stream/{label}`. */
export function streamArn(name: string, region: string, accountId: string): string {
  return `${tableArn(name, region, accountId)}/stream/${LOCAL_STREAM_LABEL}`;
}

/** The table name in a DynamoDB table or stream ARN, if it is one. */
export function tableNameOfArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)(?:\/stream\/.+)?$/.exec(arn)?.[1];
}
