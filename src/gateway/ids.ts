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
  // Two ids per message: one randomBytes() call per id showed in profiles, so draw 4 KiB at a time.
  const pool = Buffer.alloc(11 * 372);
  let offset = pool.length;
  return {
    nextId: () => {
      if (offset === pool.length) {
        randomFillSync(pool);
        offset = 0;
      }
      offset += 11;
      return toAwsId(pool.subarray(offset - 11, offset));
    },
    nextUuid: () => randomUUID(),
  };
}

export function toAwsId(bytes: Uint8Array): string {
  // base64url of 11 bytes is 15 characters; AWS ids keep base64's padding.
  return `${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')}=`;
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
