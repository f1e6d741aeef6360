import { createHash, randomFillSync, randomUUID } from 'node:crypto';

/** Generates the ids the gateway hands out; injectable so tests can predict them. */
export interface IdGenerator {
  /** A connection id, request id or message id. */
  nextId(): string;
  /** A UUID for `x-amzn-RequestId` on `@connections` answers. */
  nextUuid(): string;
}

/**
 * AWS ids are 16 characters of URL-safe base64 ending in `=` (e.g. `BFaT_fALIAMCKug=`): that is
 * exactly 11 bytes encoded with padding, so we draw 11 random bytes.
 */
export function createIdGenerator(): IdGenerator {
  const random = new RandomPool();
  return {
    nextId: () => toAwsId(random.bytes, random.take(11)),
    nextUuid: () => randomUUID(),
  };
}

/**
 * Random bytes drawn 4 KiB at a time: one `randomBytes()` or `randomFillSync()` call costs about 5 µs whatever its
 * size, and the gateway draws two ids per message and a trace id per connection.
 */
export class RandomPool {
  readonly bytes: Buffer;
  private offset: number;

  constructor(size = 4096) {
    this.bytes = Buffer.alloc(size);
    this.offset = size;
  }

  /** Where `count` fresh random bytes start in `bytes` (they stay until a later take refills the pool). */
  take(count: number): number {
    if (this.offset + count > this.bytes.length) {
      randomFillSync(this.bytes);
      this.offset = 0;
    }
    this.offset += count;
    return this.offset - count;
  }
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The 11 bytes from `offset` as an AWS id: base64url of 11 bytes is 15 characters, and AWS ids keep base64's
 * padding. Encoded here rather than by Buffer: two ids per message, and a Buffer view plus a call into C++
 * for each showed in profiles.
 */
export function toAwsId(bytes: Uint8Array, offset = 0): string {
  let id = '';
  for (let i = offset; i < offset + 9; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    id += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
  }
  const n = (bytes[offset + 9]! << 8) | bytes[offset + 10]!;
  return `${id}${BASE64URL[n >> 10]!}${BASE64URL[(n >> 4) & 63]!}${BASE64URL[(n << 2) & 63]!}=`;
}

/**
 * A 10-character lower-case API id. Derived from service and stage so that it stays the same across
 * restarts of `wsgate dev`, like a deployed API's id does across deployments.
 */
export function deriveApiId(service: string, stage: string): string {
  const digest = createHash('sha256').update(`${service}\0${stage}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 10; i++) id += alphabet[digest[i]! % alphabet.length];
  return id;
}

/** The account id of the local gateway (AWS's documentation example account), used in `methodArn`. */
export const LOCAL_ACCOUNT_ID = '123456789012';
