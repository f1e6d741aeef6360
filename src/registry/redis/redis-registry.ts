import type { Redis } from 'ioredis';
import type { ClusterLink, ForwardResult, ManagementAnswer, ManagementCall } from '../cluster-link.js';
import type { ConnectionRecord, ConnectionRegistry } from '../connection-registry.js';
import { MAX_RECONNECT_DELAY_MS } from './connect-redis.js';
import { stageKeys } from './keys.js';
import { fieldsToRecord, recordToFields } from './record-fields.js';
import { HEARTBEAT, LEAVE, ROUTE_CALL, TOUCH } from './scripts.js';
import { decodeMessage, encodeMessage } from './wire.js';

export type RedisStatus =
  | { kind: 'down'; error: string }
  | { kind: 'up'; resynced: number }
  /** Redis was reachable but this node's heartbeat had expired (the process was paused, or too slow): the others swept it. */
  | { kind: 'rejoined'; resynced: number };

export interface RedisRegistryOptions {
  service: string;
  stage: string;
  nodeId: string;
  /** Two connections: commands, and the subscription to this node's inbox. */
  redis: Redis;
  subscriber: Redis;
  /** Heartbeat period, ms (default 1000). */
  heartbeatMs?: number;
  /** A node whose heartbeat is older than this is dead, ms (default 3000). */
  nodeTtlMs?: number;
  /** How long a forwarded call waits for the owner's answer, ms (default 3000). */
  answerTimeoutMs?: number;
  onStatus?: (status: RedisStatus) => void;
}

interface Waiting {
  resolve(result: ForwardResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The registry of a node that serves a stage with others. This node's own connections are kept in memory too (the
 * truth for them, and what its local calls read); Redis holds everyone's, for routing. Writes to Redis never make
 * the gateway wait: while Redis is away they fail, and the node writes all its connections again when it is back.
 */
export async function createRedisRegistry(options: RedisRegistryOptions): Promise<ConnectionRegistry> {
  const { redis, subscriber, nodeId } = options;
  const keys = stageKeys(options.service, options.stage);
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const nodeTtlMs = options.nodeTtlMs ?? 3000;
  const answerTimeoutMs = options.answerTimeoutMs ?? 3000;
  const inbox = keys.inbox(nodeId);
  const own = new Map<string, ConnectionRecord>();
  const touched = new Set<string>();
  const waiting = new Map<number, Waiting>();
  let nextCallId = 1;
  let serveCall: ((call: ManagementCall, from: string) => Promise<ManagementAnswer> | ManagementAnswer) | undefined;
  let down = false;
  let closed = false;
  // After Redis lost its data (a restart without persistence), other nodes' entries come back within a heartbeat
  // and a reconnection of theirs: until then, a missing entry does not prove a connection gone.
  let uncertainUntil = 0;
  // False from a lost connection until the first heartbeat after it: ioredis accepts commands a tick before it says
  // 'ready', so a lookup may reach a restarted Redis before the heartbeat that would reveal the restart.
  let confirmed = true;

  redis.defineCommand('wsgateRoute', { numberOfKeys: 1, lua: ROUTE_CALL });
  redis.defineCommand('wsgateHeartbeat', { numberOfKeys: 0, lua: HEARTBEAT });
  redis.defineCommand('wsgateTouch', { numberOfKeys: 1, lua: TOUCH });
  redis.defineCommand('wsgateLeave', { numberOfKeys: 0, lua: LEAVE });
  type Scripted = Redis & {
    wsgateRoute(key: string, prefix: string, self: string, message: Buffer): Promise<[string, string]>;
    wsgateHeartbeat(prefix: string, self: string, ttl: number, now: number): Promise<number>;
    wsgateTouch(key: string, at: number): Promise<number>;
    wsgateLeave(prefix: string, self: string): Promise<number>;
  };
  const scripted = redis as Scripted;

  const ignore = () => undefined;
  const write = (work: Promise<unknown>) => void work.catch(ignore);
  const register = (record: ConnectionRecord) =>
    redis.multi().hset(keys.connection(record.connectionId), recordToFields(record, nodeId)).sadd(keys.nodeConnections(nodeId), record.connectionId).exec();

  /** Writes every connection of this node again, and drops entries of its that are no longer open here. */
  async function resync(): Promise<number> {
    const listed = await redis.smembers(keys.nodeConnections(nodeId));
    const pipeline = redis.pipeline();
    for (const id of listed) if (!own.has(id)) pipeline.del(keys.connection(id)).srem(keys.nodeConnections(nodeId), id);
    for (const record of own.values()) {
      pipeline.hset(keys.connection(record.connectionId), recordToFields(record, nodeId)).sadd(keys.nodeConnections(nodeId), record.connectionId);
    }
    await pipeline.exec();
    return own.size;
  }

  let registered = false;
  /** Returns how many connections were written again when this node had to re-register, else undefined. */
  async function heartbeat(forceResync = false): Promise<number | undefined> {
    const renewed = scripted.wsgateHeartbeat(keys.prefix, nodeId, nodeTtlMs, Date.now());
    const pipeline = redis.pipeline();
    for (const id of touched) {
      const record = own.get(id);
      if (record) (pipeline as unknown as Scripted).wsgateTouch(keys.connection(id), record.lastActiveAt);
    }
    touched.clear();
    const existed = await renewed;
    await pipeline.exec();
    const lost = existed === 0 && registered;
    if (lost) uncertainUntil = Date.now() + nodeTtlMs + heartbeatMs + MAX_RECONNECT_DELAY_MS;
    registered = true;
    confirmed = true;
    if (!lost && !forceResync) return undefined;
    const resynced = await resync();
    if (lost && !forceResync) options.onStatus?.({ kind: 'rejoined', resynced });
    return resynced;
  }

  redis.on('close', () => {
    confirmed = false;
    if (closed || down) return;
    down = true;
    options.onStatus?.({ kind: 'down', error: 'connection to Redis lost' });
  });
  redis.on('ready', () => {
    if (closed || !down) return;
    down = false;
    // The heartbeat first: it tells whether Redis kept this node's entries, before any call is routed.
    void heartbeat(true)
      .then((resynced) => options.onStatus?.({ kind: 'up', resynced: resynced ?? 0 }))
      .catch(ignore);
  });

  subscriber.on('messageBuffer', (_channel: Buffer, raw: Buffer) => {
    const message = decodeMessage(raw);
    if (!message) return;
    if (message.kind === 'answer') {
      const pending = waiting.get(message.callId);
      if (!pending) return;
      waiting.delete(message.callId);
      clearTimeout(pending.timer);
      pending.resolve({ kind: 'answered', node: message.node, answer: message.answer });
      return;
    }
    const { from, callId, call, deadline } = message;
    // Its caller answered 500 already (this node was paused or slow): delivering it now would surprise a client, and
    // an SDK that retried the 500 would see its frame twice.
    if (Date.now() > deadline) return;
    void Promise.resolve(serveCall ? serveCall(call, from) : { status: 410, body: '{}', errorType: 'GoneException' })
      .then((answer) => redis.publish(keys.inbox(from), encodeMessage({ kind: 'answer', callId, node: nodeId, answer })))
      .catch(ignore);
  });
  await subscriber.subscribe(inbox);
  await heartbeat(true);
  const beat = setInterval(() => void heartbeat().catch(ignore), heartbeatMs);
  beat.unref();

  const cluster: ClusterLink = {
    nodeId,
    async forward(call) {
      const callId = nextCallId++;
      const message = encodeMessage({ kind: 'call', callId, from: nodeId, deadline: Date.now() + answerTimeoutMs, call });
      const answered = new Promise<ForwardResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(callId);
          reject(new Error(`node did not answer within ${answerTimeoutMs} ms`));
        }, answerTimeoutMs);
        waiting.set(callId, { resolve, reject, timer });
      });
      let routed: [string, string];
      try {
        routed = await scripted.wsgateRoute(keys.connection(call.connectionId), keys.prefix, nodeId, message);
      } catch (err) {
        settle(callId);
        throw err;
      }
      const [outcome, owner] = routed;
      if (outcome === 'sent') return answered;
      settle(callId);
      if (outcome === 'local') return { kind: 'local' };
      if (outcome === 'deaf') throw new Error(`node ${owner} is not listening`);
      if (outcome === 'gone' && (!confirmed || Date.now() < uncertainUntil)) throw new Error('Redis is being repopulated after losing its data');
      return { kind: 'gone' };
    },
    serve(handler) {
      serveCall = handler;
    },
  };

  function settle(callId: number) {
    const pending = waiting.get(callId);
    if (!pending) return;
    clearTimeout(pending.timer);
    waiting.delete(callId);
  }

  return {
    cluster,
    async add(record) {
      const copy = { ...record, node: nodeId };
      own.set(record.connectionId, copy);
      write(register(copy));
    },
    async get(connectionId) {
      const record = own.get(connectionId);
      if (record) return { ...record };
      const fields = await redis.hgetall(keys.connection(connectionId));
      return fieldsToRecord(connectionId, fields);
    },
    async markOpen(connectionId, authorizer) {
      const record = own.get(connectionId);
      if (!record) return;
      record.state = 'open';
      if (authorizer) record.authorizer = authorizer;
      write(redis.hset(keys.connection(connectionId), recordToFields(record, nodeId)));
    },
    async touch(connectionId, at) {
      const record = own.get(connectionId);
      if (!record) return;
      // Written with the next heartbeat: an entry per message would cost Redis a write per frame.
      record.lastActiveAt = at;
      touched.add(connectionId);
    },
    async remove(connectionId) {
      if (!own.delete(connectionId)) return;
      touched.delete(connectionId);
      write(redis.multi().del(keys.connection(connectionId)).srem(keys.nodeConnections(nodeId), connectionId).exec());
    },
    async list() {
      const nodes = await redis.smembers(keys.nodes);
      return nodes.length === 0 ? [] : redis.sunion(...nodes.map((node) => keys.nodeConnections(node)));
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      for (const [callId, pending] of waiting) {
        clearTimeout(pending.timer);
        waiting.delete(callId);
        pending.reject(new Error('the gateway is closing'));
      }
      await scripted.wsgateLeave(keys.prefix, nodeId).catch(ignore);
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
