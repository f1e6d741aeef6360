/**
 * Lua scripts, so that each step a node takes is one round trip and atomic. Key names are built inside the scripts
 * from the stage prefix: wsgate supports a single Redis (or Valkey) server or a replicated primary, not Redis Cluster.
 */

/** Finds a connection's owner and, if it is another live node, publishes the call to its inbox. */
export const ROUTE_CALL = `
local owner = redis.call('HGET', KEYS[1], 'node')
if not owner then return {'gone', ''} end
if owner == ARGV[2] then return {'local', owner} end
if redis.call('EXISTS', ARGV[1] .. 'node:' .. owner) == 0 then return {'dead', owner} end
if redis.call('PUBLISH', ARGV[1] .. 'inbox:' .. owner, ARGV[3]) == 0 then return {'deaf', owner} end
return {'sent', owner}
`;

/**
 * Renews this node's heartbeat and sweeps nodes whose heartbeat expired: their connections' entries go. Returns
 * whether this node's heartbeat still existed (0: Redis lost it, or other nodes swept this one, so it re-registers).
 */
export const HEARTBEAT = `
local prefix, self, ttl = ARGV[1], ARGV[2], ARGV[3]
local existed = redis.call('EXISTS', prefix .. 'node:' .. self)
redis.call('SET', prefix .. 'node:' .. self, ARGV[4], 'PX', ttl)
redis.call('SADD', prefix .. 'nodes', self)
for _, node in ipairs(redis.call('SMEMBERS', prefix .. 'nodes')) do
  if node ~= self and redis.call('EXISTS', prefix .. 'node:' .. node) == 0 then
    for _, id in ipairs(redis.call('SMEMBERS', prefix .. 'conns:' .. node)) do
      if redis.call('HGET', prefix .. 'conn:' .. id, 'node') == node then redis.call('DEL', prefix .. 'conn:' .. id) end
    end
    redis.call('DEL', prefix .. 'conns:' .. node)
    redis.call('SREM', prefix .. 'nodes', node)
  end
end
return existed
`;

/** Updates lastActiveAt of a connection that is still registered (never recreates a removed one). */
export const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'lastActiveAt', ARGV[1]) end
return 0
`;

/** A node that stops: its heartbeat, its set and whatever of its entries remain. */
export const LEAVE = `
local prefix, self = ARGV[1], ARGV[2]
for _, id in ipairs(redis.call('SMEMBERS', prefix .. 'conns:' .. self)) do
  if redis.call('HGET', prefix .. 'conn:' .. id, 'node') == self then redis.call('DEL', prefix .. 'conn:' .. id) end
end
redis.call('DEL', prefix .. 'conns:' .. self, prefix .. 'node:' .. self)
redis.call('SREM', prefix .. 'nodes', self)
return 0
`;
