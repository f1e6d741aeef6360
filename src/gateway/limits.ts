/**
 * API Gateway's WebSocket quotas that the gateway enforces. Strict AWS values are the default; each
 * deviation is an explicit option.
 */
export interface GatewayLimits {
  /** Largest message a client may send, in bytes; larger closes the connection with 1009. AWS: 128 KB. */
  maxMessageBytes: number;
  /** Largest `@connections` POST payload; larger answers 413. AWS: 131072 bytes. */
  maxPostBytes: number;
  /** What a binary frame from a client does. AWS closes the connection with 1003. */
  binaryFrames: 'close';
  /** Cap on an integration's duration (API Gateway's integration timeout), ms. AWS: 29 s. */
  integrationTimeoutMs: number;
}

export const AWS_LIMITS: GatewayLimits = {
  maxMessageBytes: 128 * 1024,
  maxPostBytes: 131072,
  binaryFrames: 'close',
  integrationTimeoutMs: 29_000,
};

export function resolveLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  return { ...AWS_LIMITS, ...overrides };
}
