import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { StreamViewType } from './table-definitions.js';

/** A DynamoDB attribute value in the JSON wire format (`{ S: 'x' }`, `{ B: '<base64>' }`, …). */
export type AttributeMap = Record<string, Record<string, unknown>>;

/** The record DynamoDB Streams hands Lambda, as documented for `DynamoDBStreamEvent`. */
export interface DynamoStreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: AttributeMap;
    NewImage?: AttributeMap;
    OldImage?: AttributeMap;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  eventSourceARN: string;
  /** On records of items that TTL expired: DynamoDB's service principal. */
  userIdentity?: { type: 'Service'; principalId: 'dynamodb.amazonaws.com' };
}

export interface ItemChange {
  keyAttributes: readonly string[];
  /** The item expired through the table's TTL. */
  expired?: boolean;
  oldImage?: AttributeMap;
  newImage?: AttributeMap;
}

/**
 * The record for one write, or undefined when the write changed nothing (DynamoDB Streams writes no record for a
 * PutItem or UpdateItem that leaves the item as it was, nor for deleting an item that is not there).
 */
export function buildStreamRecord(
  change: ItemChange,
  stream: { viewType: StreamViewType; arn: string; region: string },
  sequenceNumber: string,
  nowMs: number,
): DynamoStreamRecord | undefined {
  const { oldImage, newImage } = change;
  if (!oldImage && !newImage) return undefined;
  if (oldImage && newImage && isDeepStrictEqual(oldImage, newImage)) return undefined;
  const eventName = !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY';
  const image = (newImage ?? oldImage)!;
  const Keys: AttributeMap = {};
  for (const name of change.keyAttributes) if (image[name] !== undefined) Keys[name] = image[name]!;
  const withNew = stream.viewType === 'NEW_IMAGE' || stream.viewType === 'NEW_AND_OLD_IMAGES';
  const withOld = stream.viewType === 'OLD_IMAGE' || stream.viewType === 'NEW_AND_OLD_IMAGES';
  const dynamodb: DynamoStreamRecord['dynamodb'] = {
    ApproximateCreationDateTime: Math.floor(nowMs / 1000),
    Keys,
    ...(withNew && newImage ? { NewImage: newImage } : {}),
    ...(withOld && oldImage ? { OldImage: oldImage } : {}),
    SequenceNumber: sequenceNumber,
    SizeBytes: 0,
    StreamViewType: stream.viewType,
  };
  dynamodb.SizeBytes = itemSize(dynamodb.Keys) + itemSize(dynamodb.NewImage) + itemSize(dynamodb.OldImage);
  return {
    eventID: randomBytes(16).toString('hex'),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: stream.region,
    dynamodb,
    eventSourceARN: stream.arn,
    ...(change.expired ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const } : {}),
  };
}

/** DynamoDB's item size rules: names and values in bytes (numbers about a byte per two digits, binary decoded). */
export function itemSize(item: AttributeMap | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: Record<string, unknown>): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner));
    case 'N':
      return Math.ceil(String(inner).replace(/^[-+]|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'SS':
    case 'NS':
    case 'BS':
      return (inner as unknown[]).reduce<number>((sum, member) => sum + valueSize({ [type.slice(0, 1)]: member }), 0);
    case 'L':
      return 3 + (inner as Record<string, unknown>[]).reduce<number>((sum, member) => sum + 1 + valueSize(member), 0);
    case 'M':
      return 3 + itemSize(inner as AttributeMap) + Object.keys(inner as object).length;
    default:
      return 1;
  }
}

/** Sequence numbers grow across runs too: a start-time prefix, then a counter, as 21 digits like DynamoDB's. */
export function createSequenceNumbers(nowMs: number = Date.now()): () => string {
  let next = BigInt(nowMs) * 100_000_000n;
  return () => String(next++).padStart(21, '0');
}
