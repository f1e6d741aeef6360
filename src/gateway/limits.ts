import { WsgateError } from '../errors.js';

/**
 * API Gateway's WebSocket quotas that the gateway enforces (spec §6). Strict AWS values are the default;
 * each deviation is an explicit option. Times are in milliseconds; `0` turns a time limit off.
 */
export interface GatewayLimits {
  /** Largest frame a client may send, in bytes; larger closes the connection with 1009. AWS: 32 KB. */
  maxFrameBytes: number;
  /** Largest message a client may send, in bytes; larger closes the connection with 1009. AWS: 128 KB. */
  maxMessageBytes: number;
  /** Largest `@connections` POST payload; larger answers 413. AWS: 131072 bytes. */
  maxPostBytes: number;
  /** What a binary frame from a client does. AWS closes the connection with 1003. */
  binaryFrames: 'close';
  /** Cap on an integration's duration (API Gateway's integration timeout). AWS: 29 s. */
  integrationTimeoutMs: number;
  /** A connection without a data message either way for this long is closed with 1001. AWS: 10 min. */
  idleTimeoutMs: number;
  /** A connection open this long is closed with 1001. AWS: 2 h. */
  maxConnectionMs: number;
  /**
   * `@connections` POST answers 429 `LimitExceededException` while the client has more than this many bytes
   * not yet written to it (a client that does not read), and route responses and error frames are dropped.
   * AWS documents the error, not the size.
   */
  maxSendBufferBytes: number;
  /** A client must finish its upgrade request (or `@connections` request) within this time. Not an AWS quota. */
  handshakeTimeoutMs: number;
  /** Longest upgrade URL, in characters; longer answers 414. AWS: 4096. */
  maxUrlLength: number;
}

export const AWS_LIMITS: Readonly<GatewayLimits> = Object.freeze({
  maxFrameBytes: 32 * 1024,
  maxMessageBytes: 128 * 1024,
  maxPostBytes: 131072,
  binaryFrames: 'close',
  integrationTimeoutMs: 29_000,
  idleTimeoutMs: 10 * 60_000,
  maxConnectionMs: 2 * 60 * 60_000,
  maxSendBufferBytes: 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  maxUrlLength: 4096,
});

const NUMERIC_LIMITS = [
  'maxFrameBytes',
  'maxMessageBytes',
  'maxPostBytes',
  'integrationTimeoutMs',
  'idleTimeoutMs',
  'maxConnectionMs',
  'maxSendBufferBytes',
  'handshakeTimeoutMs',
  'maxUrlLength',
] as const;

/** Limits that cannot be turned off with 0 (a zero size or deadline would refuse everything). */
const POSITIVE_LIMITS = new Set<string>(['maxFrameBytes', 'maxMessageBytes', 'maxPostBytes', 'integrationTimeoutMs', 'handshakeTimeoutMs', 'maxUrlLength']);

/** AWS's limits with the given overrides; throws a WsgateError naming a bad value. */
export function resolveLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  const limits: GatewayLimits = { ...AWS_LIMITS };
  for (const name of NUMERIC_LIMITS) {
    const value = overrides[name];
    if (value === undefined) continue;
    const valid = typeof value === 'number' && (Number.isFinite(value) ? value >= 0 : value === Infinity) && !(value === 0 && POSITIVE_LIMITS.has(name));
    if (!valid) {
      throw new WsgateError({
        code: 'GATEWAY_INVALID_LIMIT',
        message: `The gateway limit ${name} must be ${POSITIVE_LIMITS.has(name) ? 'a positive number' : 'a number ≥ 0 (0 turns it off)'}, got ${String(value)}.`,
        path: `limits.${name}`,
        hint: `AWS's value is ${AWS_LIMITS[name]}.`,
      });
    }
    limits[name] = value;
  }
  if (overrides.binaryFrames !== undefined) limits.binaryFrames = overrides.binaryFrames;
  return limits;
}

/** True when a time limit is on (0 and Infinity turn it off). */
export function isTimeLimitOn(ms: number): boolean {
  return ms > 0 && Number.isFinite(ms);
}
