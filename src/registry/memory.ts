import type { ConnectionRecord, ConnectionRegistry } from './connection-registry.js';

/** The embedded registry: connections of this process only. */
export function createMemoryRegistry(): ConnectionRegistry {
  const records = new Map<string, ConnectionRecord>();
  return {
    async add(record) {
      records.set(record.connectionId, { ...record });
    },
    async get(connectionId) {
      const record = records.get(connectionId);
      return record ? { ...record } : undefined;
    },
    async markOpen(connectionId, authorizer) {
      const record = records.get(connectionId);
      if (!record) return;
      record.state = 'open';
      if (authorizer) record.authorizer = authorizer;
    },
    async touch(connectionId, at) {
      const record = records.get(connectionId);
      if (record) record.lastActiveAt = at;
    },
    async remove(connectionId) {
      records.delete(connectionId);
    },
    async list() {
      return [...records.keys()];
    },
    async close() {
      records.clear();
    },
  };
}
