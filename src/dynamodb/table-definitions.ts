import type { ServiceModel } from '../config/model.js';
import { isRecord } from '../config/is-record.js';
import { WsgateError, type ErrorDetail } from '../errors.js';
import { evaluateIntrinsics, type IntrinsicScope } from '../config/intrinsics/evaluate-intrinsics.js';
import { createServiceScope, localStackIdentity } from '../config/intrinsics/service-scope.js';
import { streamArn, tableArn, tableName } from './table-identity.js';

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
const STREAM_VIEW_TYPES: readonly string[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];

/** One `AWS::DynamoDB::Table` of `resources:`, ready for the embedded endpoint. */
export interface TableDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly streamArn: string;
  /** Set when the table has `StreamSpecification`. */
  readonly streamViewType?: StreamViewType;
  readonly ttlAttribute?: string;
  /** Attribute names of the table's key, hash key first. */
  readonly keyAttributes: readonly string[];
  /** The `CreateTable` request for the DynamoDB API. */
  readonly createTableInput: Record<string, unknown>;
  /** `resources.Resources.<LogicalId>` */
  readonly configPath: string;
}

/** Capacity for a provisioned table or index that states none (CloudFormation would refuse it; locally it does not matter). */
const DEFAULT_THROUGHPUT = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 };

/** The properties a local table is made of; the others (SSE, tags, PITR…) are not read, so their intrinsics cannot fail a run. */
const TABLE_SHAPE_PROPERTIES = [
  'KeySchema',
  'AttributeDefinitions',
  'BillingMode',
  'ProvisionedThroughput',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'StreamSpecification',
  'TimeToLiveSpecification',
] as const;

/** Every DynamoDB table the service declares; a definition that cannot work is a WsgateError naming its config path. */
export function collectTables(model: ServiceModel, accountId: string): TableDefinition[] {
  const tables: TableDefinition[] = [];
  const issues: ErrorDetail[] = [];
  const scope = createServiceScope(model, localStackIdentity(model));
  for (const [logicalId, resource] of Object.entries(model.resources.Resources)) {
    if (!isRecord(resource) || resource.Type !== 'AWS::DynamoDB::Table') continue;
    const configPath = `resources.Resources.${logicalId}`;
    const issue = (property: string, message: string, hint: string) =>
      issues.push({ code: 'DYNAMODB_INVALID_TABLE', message: `table ${logicalId}: ${message}`, path: `${configPath}.Properties${property ? `.${property}` : ''}`, location: { file: model.configFile }, hint });
    const declared = isRecord(resource.Properties) ? resource.Properties : {};
    const name = tableName(logicalId, declared, model);
    if (name === undefined) {
      issue('TableName', 'TableName is a CloudFormation intrinsic that cannot be resolved locally', 'Write the name as a string (variables such as ${self:service}-${sls:stage} are fine), or leave TableName out.');
      continue;
    }
    const evaluated = evaluateShape(declared, scope);
    if ('unresolved' in evaluated) {
      const { property, intrinsic, reason } = evaluated.unresolved;
      issue(property, `${property} uses ${intrinsic}, which cannot be evaluated locally: ${reason}`, `Write ${property} with plain values, or with Ref/Fn::Sub/Fn::Join of pseudo parameters and the service's own resources.`);
      continue;
    }
    const { properties } = evaluated;
    if (!Array.isArray(properties.KeySchema) || properties.KeySchema.length === 0) {
      issue('KeySchema', 'KeySchema is missing', 'Give the table a KeySchema, e.g. [{ AttributeName: connectionId, KeyType: HASH }].');
      continue;
    }
    if (!Array.isArray(properties.AttributeDefinitions)) {
      issue('AttributeDefinitions', 'AttributeDefinitions is missing', 'List the type of every key attribute, e.g. [{ AttributeName: connectionId, AttributeType: S }].');
      continue;
    }
    const stream = isRecord(properties.StreamSpecification) ? properties.StreamSpecification : undefined;
    const viewType = stream?.StreamViewType;
    if (stream && (typeof viewType !== 'string' || !STREAM_VIEW_TYPES.includes(viewType))) {
      issue('StreamSpecification.StreamViewType', `StreamViewType must be one of ${STREAM_VIEW_TYPES.join(', ')}`, 'NEW_AND_OLD_IMAGES gives a stream handler both images.');
      continue;
    }
    const ttl = isRecord(properties.TimeToLiveSpecification) ? properties.TimeToLiveSpecification : undefined;
    const payPerRequest = properties.BillingMode === 'PAY_PER_REQUEST';
    const throughput = (value: unknown) => (payPerRequest ? {} : { ProvisionedThroughput: isRecord(value) ? numbersOf(value) : DEFAULT_THROUGHPUT });
    const indexes = (value: unknown, withThroughput: boolean) =>
      Array.isArray(value) && value.length > 0
        ? value.filter(isRecord).map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection ?? { ProjectionType: 'ALL' },
            ...(withThroughput ? throughput(index.ProvisionedThroughput) : {}),
          }))
        : undefined;
    const gsis = indexes(properties.GlobalSecondaryIndexes, true);
    const lsis = indexes(properties.LocalSecondaryIndexes, false);
    const keyAttributes = [...properties.KeySchema]
      .filter(isRecord)
      .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
      .map((key) => String(key.AttributeName));
    tables.push({
      logicalId,
      name,
      arn: tableArn(name, model.region, accountId),
      streamArn: streamArn(name, model.region, accountId),
      streamViewType: viewType as StreamViewType | undefined,
      ttlAttribute: ttl && ttl.Enabled !== false && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined,
      keyAttributes,
      createTableInput: {
        TableName: name,
        KeySchema: properties.KeySchema,
        AttributeDefinitions: properties.AttributeDefinitions,
        BillingMode: payPerRequest ? 'PAY_PER_REQUEST' : 'PROVISIONED',
        ...throughput(properties.ProvisionedThroughput),
        ...(gsis ? { GlobalSecondaryIndexes: gsis } : {}),
        ...(lsis ? { LocalSecondaryIndexes: lsis } : {}),
      },
      configPath,
    });
  }
  if (issues.length > 0) {
    throw new WsgateError({ ...issues[0]!, message: issues.length === 1 ? issues[0]!.message : `${issues.length} DynamoDB tables cannot be created`, issues });
  }
  return tables;
}

/**
 * Real templates write parts of a table with intrinsics (`IndexName: !Sub ...`, `BillingMode: !If [...]`);
 * the DynamoDB API takes only plain values, so they are evaluated as CloudFormation would before CreateTable.
 */
function evaluateShape(
  declared: Record<string, unknown>,
  scope: IntrinsicScope,
): { properties: Record<string, unknown> } | { unresolved: { property: string; intrinsic: string; reason: string } } {
  const properties: Record<string, unknown> = {};
  for (const property of TABLE_SHAPE_PROPERTIES) {
    if (declared[property] === undefined) continue;
    const evaluated = evaluateIntrinsics(declared[property], scope);
    if (!evaluated.ok) return { unresolved: { property, intrinsic: evaluated.intrinsic, reason: evaluated.reason } };
    properties[property] = evaluated.value;
  }
  return { properties };
}

/** CloudFormation takes capacities as strings too (`'5'`); the DynamoDB API wants numbers. */
function numbersOf(value: Record<string, unknown>): Record<string, number> {
  return { ReadCapacityUnits: Number(value.ReadCapacityUnits ?? 1), WriteCapacityUnits: Number(value.WriteCapacityUnits ?? 1) };
}
