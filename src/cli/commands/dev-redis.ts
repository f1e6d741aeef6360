import type { ServiceModel } from '../../config/model.js';
import { WsgateError } from '../../errors.js';
import type { GatewayRedisOptions } from '../../registry/redis/join-redis.js';
import { redactUrl } from '../../registry/redis/connect-redis.js';

/** The environment variable that makes `wsgate dev` join a Redis, like --redis. */
export const REDIS_URL_VARIABLE = 'WSGATE_REDIS_URL';
/** The environment variable naming this gateway among the nodes (default: host name and process id). */
export const NODE_ID_VARIABLE = 'WSGATE_NODE_ID';

export interface ChosenRedis {
  url: string;
  source: string;
}

/** Where the Redis URL comes from: --redis, then WSGATE_REDIS_URL, then `custom.wsgate.redis`; none: on its own. */
export function chooseRedis(flag: string | undefined, model: ServiceModel, env: NodeJS.ProcessEnv = process.env): ChosenRedis | undefined {
  if (flag !== undefined) return { url: flag, source: '--redis' };
  if (env[REDIS_URL_VARIABLE]) return { url: env[REDIS_URL_VARIABLE]!, source: REDIS_URL_VARIABLE };
  const wsgate = model.custom.wsgate;
  const custom = wsgate && typeof wsgate === 'object' ? (wsgate as Record<string, unknown>).redis : undefined;
  if (custom === undefined || custom === null || custom === '') return undefined;
  if (typeof custom !== 'string') {
    throw new WsgateError({
      code: 'CONFIG_INVALID_REDIS',
      message: `custom.wsgate.redis must be a Redis URL (a string), got ${JSON.stringify(custom)}.`,
      path: 'custom.wsgate.redis',
      hint: 'Write custom.wsgate.redis: redis://127.0.0.1:6379 (or ${env:REDIS_URL}).',
    });
  }
  return { url: custom, source: 'custom.wsgate.redis' };
}

/** The gateway's Redis options for `wsgate dev`: an outage is reported once, and so is the recovery. */
export function devRedisOptions(chosen: ChosenRedis, nodeId: string | undefined, warn: (line: string) => void, print: (line: string) => void): GatewayRedisOptions {
  return {
    url: chosen.url,
    source: chosen.source,
    ...(nodeId ? { nodeId } : {}),
    onStatus: (status) => {
      if (status.kind === 'down') {
        warn(
          `Warning: Redis at ${redactUrl(chosen.url)} is unreachable (${status.error}). This node keeps serving its own connections; ` +
            '@connections calls for other nodes answer 500 until it is back. Reconnecting…',
        );
      } else if (status.kind === 'rejoined') {
        warn(
          `Warning: the other nodes took this one for dead (its heartbeat in Redis expired; meanwhile they answered 410 for its connections): ` +
            `${status.resynced} connection${status.resynced === 1 ? '' : 's'} registered again.`,
        );
      } else {
        print(`Redis at ${redactUrl(chosen.url)} is back: ${status.resynced} connection${status.resynced === 1 ? '' : 's'} of this node registered again.`);
      }
    },
  };
}
