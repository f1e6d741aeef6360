import { createHash } from 'node:crypto';
import type { ServiceModel } from '../config/model.js';
import { isRecord } from '../config/is-record.js';
import { LOCAL_ACCOUNT_ID } from '../gateway/ids.js';

/**
 * The names and ARNs of the service's DynamoDB tables, as CloudFormation gives them. One rule for every
 * part that needs them (the embedded endpoint, `Ref`/`Fn::GetAtt` in `environment`, stream events).
 */

/** A stream label is the time the stream was enabled; locally it is fixed, so stream ARNs are stable across runs. */
export const LOCAL_STREAM_LABEL = '1970-01-01T00:00:00.000';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `provider.stackName`, or Serverless v3's `{service}-{stage}`. */
export function stackName(model: Pick<ServiceModel, 'service' | 'stage' | 'provider'>): string {
  return model.provider.stackName ?? `${model.service}-${model.stage}`;
}

/**
 * `Properties.TableName` when it is a string; otherwise the name CloudFormation generates,
 * `{stackName}-{LogicalId}-{13 uppercase alphanumerics}`. CloudFormation's suffix is random; here it is derived
 * from the stack name and logical id, so a table keeps its name (and its data) from one run to the next.
 */
export function tableName(logicalId: string, properties: unknown, model: Pick<ServiceModel, 'service' | 'stage' | 'provider' | 'region'>): string | undefined {
  const given = isRecord(properties) ? properties.TableName : undefined;
  if (given !== undefined) return resolveName(given, model);
  const stack = stackName(model);
  const digest = createHash('sha256').update(`${stack}\0${logicalId}`).digest();
  let suffix = '';
  for (let i = 0; i < 13; i++) suffix += SUFFIX_ALPHABET[digest[i]! % SUFFIX_ALPHABET.length];
  return `${stack}-${logicalId}-${suffix}`;
}

/**
 * A name written as a string, `Fn::Sub` of pseudo parameters (`\${AWS::StackName}-connections`) or `Fn::Join` of
 * those: the forms table names take in real templates. Anything else is left to a general intrinsic resolver.
 */
function resolveName(value: unknown, model: Pick<ServiceModel, 'service' | 'stage' | 'provider' | 'region'>): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || Object.keys(value).length !== 1) return undefined;
  const pseudo: Record<string, string> = { 'AWS::StackName': stackName(model), 'AWS::Region': model.region, 'AWS::AccountId': LOCAL_ACCOUNT_ID, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') {
    let unresolved = false;
    const text = sub.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => pseudo[name] ?? ((unresolved = true), ''));
    return unresolved ? undefined : text;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((part: unknown) => (isRecord(part) && typeof part.Ref === 'string' && pseudo[part.Ref] !== undefined ? pseudo[part.Ref] : resolveName(part, model)));
    return parts.every((part): part is string => part !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
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
