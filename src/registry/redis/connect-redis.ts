import { Redis } from 'ioredis';
import { WsgateError } from '../../errors.js';

/** Reconnection backs off up to this (ms): a restarted Redis is found again within it. */
export const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Opens a connection that never queues commands while Redis is away: the gateway's own work must not wait on Redis,
 * so a command fails at once then and the node re-registers when Redis is back.
 */
export async function connectRedis(url: string, source: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (!['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname) {
    throw new WsgateError({
      code: 'REDIS_INVALID_URL',
      message: `${source} must be a Redis URL such as redis://127.0.0.1:6379, got "${url}".`,
      path: source,
      hint: 'Write redis://host:port (rediss:// for TLS; redis://user:password@host:port/db with credentials).',
    });
  }
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
  });
  // ioredis reports every failed attempt as an 'error' event; the registry reports the outage itself.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new WsgateError({
      code: 'REDIS_UNREACHABLE',
      message: `Cannot reach Redis at ${redactUrl(url)} (${source}): ${(err as Error).message}.`,
      path: source,
      hint: 'Start Redis (redis-server, Redis 6 or later, or Valkey) or fix the URL; without --redis, wsgate dev runs on its own.',
    });
  }
  return redis;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
