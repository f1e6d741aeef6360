import { hostname } from 'node:os';
import type { ConnectionRegistry } from '../connection-registry.js';
import { connectRedis } from './connect-redis.js';
import { createRedisRegistry, type RedisStatus } from './redis-registry.js';

export interface GatewayRedisOptions {
  /** `redis://host:port` (Redis 6+ or Valkey). */
  url: string;
  /** This gateway's name among the nodes (default: host name and process id). */
  nodeId?: string;
  /** Where the URL came from, for messages (`--redis`, `custom.wsgate.redis`…). */
  source?: string;
  onStatus?: (status: RedisStatus) => void;
  heartbeatMs?: number;
  nodeTtlMs?: number;
  answerTimeoutMs?: number;
}

export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}

/** Connects to Redis (two connections: commands and this node's inbox) and joins the stage's nodes. */
export async function joinRedis(service: string, stage: string, options: GatewayRedisOptions): Promise<ConnectionRegistry> {
  const source = options.source ?? 'redis.url';
  const redis = await connectRedis(options.url, source);
  const subscriber = await connectRedis(options.url, source).catch((err: unknown) => {
    redis.disconnect();
    throw err;
  });
  return createRedisRegistry({
    service,
    stage,
    nodeId: options.nodeId ?? defaultNodeId(),
    redis,
    subscriber,
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.nodeTtlMs !== undefined ? { nodeTtlMs: options.nodeTtlMs } : {}),
    ...(options.answerTimeoutMs !== undefined ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
  });
}
