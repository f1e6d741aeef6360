import type { ServiceModel, StreamEventModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import type { StreamMapping } from './stream-poller.js';
import type { TableDefinition } from './table-definitions.js';
import { tableOfStreamArn } from './table-references.js';

/** Lambda's default batch size for DynamoDB streams. */
export const DEFAULT_BATCH_SIZE = 100;

/** The service's `stream` events on its own tables' DynamoDB streams, as event source mappings; the others, as warnings. */
export function collectStreamMappings(model: ServiceModel, tables: readonly TableDefinition[]): { mappings: StreamMapping[]; warnings: ErrorDetail[] } {
  const mappings: StreamMapping[] = [];
  const warnings: ErrorDetail[] = [];
  const warn = (event: StreamEventModel, message: string, hint?: string) =>
    warnings.push({ code: 'DYNAMODB_STREAM_NOT_RUN', message: `stream event of function '${event.functionKey}' does not run locally: ${message}`, path: event.configPath, location: { file: model.configFile }, hint });
  for (const event of model.streamEvents ?? []) {
    if (!event.enabled) continue;
    const type = event.type ?? (typeof event.arn === 'string' && event.arn.includes(':kinesis:') ? 'kinesis' : 'dynamodb');
    if (type !== 'dynamodb') {
      warn(event, `wsgate runs DynamoDB streams, not ${type} ones`);
      continue;
    }
    const table = tableOfStreamArn(event.arn, tables);
    if (!table) {
      warn(event, 'its arn is not the stream of a table in resources', 'Point arn at a table of this service: arn: !GetAtt MyTable.StreamArn.');
      continue;
    }
    if (!table.streamViewType) {
      warn(event, `table ${table.logicalId} has no StreamSpecification`, `Add StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES } to ${table.configPath}.Properties.`);
      continue;
    }
    const position = (event.startingPosition ?? 'TRIM_HORIZON').toUpperCase();
    mappings.push({
      id: `${event.configPath} ${table.streamArn}`,
      functionKey: event.functionKey,
      tableName: table.name,
      batchSize: event.batchSize ?? DEFAULT_BATCH_SIZE,
      batchWindowMs: (event.batchWindow ?? 0) * 1000,
      startingPosition: position === 'LATEST' || position === 'AT_TIMESTAMP' ? position : 'TRIM_HORIZON',
      startingPositionTimestampMs: event.startingPositionTimestamp === undefined ? undefined : event.startingPositionTimestamp * 1000,
      maximumRetryAttempts: event.maximumRetryAttempts ?? -1,
      maximumRecordAgeMs: event.maximumRecordAgeInSeconds === undefined || event.maximumRecordAgeInSeconds < 0 ? -1 : event.maximumRecordAgeInSeconds * 1000,
      bisectBatchOnFunctionError: event.bisectBatchOnFunctionError === true,
      reportBatchItemFailures: event.functionResponseType === 'ReportBatchItemFailures',
      filterPatterns: event.filterPatterns,
    });
  }
  return { mappings, warnings };
}
