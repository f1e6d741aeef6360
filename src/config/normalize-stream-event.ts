import type { CfnValue, StreamEventModel } from './model.js';
import { isRecord } from './is-record.js';

/** A `stream` event as Serverless v3 reads it: an ARN string, or `{ arn, type, batchSize, … }`. */
export function normalizeStreamEvent(raw: unknown, functionKey: string, configPath: string): StreamEventModel {
  if (!isRecord(raw)) return Object.freeze({ functionKey, arn: String(raw), enabled: true, configPath });
  const number = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined);
  return Object.freeze({
    functionKey,
    arn: raw.arn as CfnValue,
    type: typeof raw.type === 'string' ? raw.type : undefined,
    batchSize: number(raw.batchSize),
    batchWindow: number(raw.batchWindow),
    startingPosition: typeof raw.startingPosition === 'string' ? raw.startingPosition : undefined,
    startingPositionTimestamp: number(raw.startingPositionTimestamp),
    maximumRetryAttempts: number(raw.maximumRetryAttempts),
    maximumRecordAgeInSeconds: number(raw.maximumRecordAgeInSeconds),
    bisectBatchOnFunctionError: raw.bisectBatchOnFunctionError === true ? true : undefined,
    functionResponseType: typeof raw.functionResponseType === 'string' ? raw.functionResponseType : undefined,
    filterPatterns: Array.isArray(raw.filterPatterns) ? Object.freeze([...raw.filterPatterns]) : undefined,
    enabled: raw.enabled !== false,
    configPath,
  });
}
