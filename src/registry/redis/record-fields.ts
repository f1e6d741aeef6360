import type { ConnectionRecord } from '../connection-registry.js';

/** A connection record as the fields of its Redis hash (numbers as decimal strings, the authorizer as JSON). */
export function recordToFields(record: ConnectionRecord, node: string): Record<string, string> {
  const fields: Record<string, string> = {
    node,
    state: record.state,
    connectedAt: String(record.connectedAt),
    lastActiveAt: String(record.lastActiveAt),
    sourceIp: record.identity.sourceIp,
    domainName: record.domainName,
  };
  if (record.identity.userAgent !== undefined) fields.userAgent = record.identity.userAgent;
  if (record.authorizer) fields.authorizer = JSON.stringify(record.authorizer);
  return fields;
}

export function fieldsToRecord(connectionId: string, fields: Record<string, string>): ConnectionRecord | undefined {
  if (!fields.node || !fields.connectedAt) return undefined;
  return {
    connectionId,
    node: fields.node,
    state: fields.state === 'open' ? 'open' : 'connecting',
    connectedAt: Number(fields.connectedAt),
    lastActiveAt: Number(fields.lastActiveAt ?? fields.connectedAt),
    identity: { sourceIp: fields.sourceIp ?? '', ...(fields.userAgent !== undefined ? { userAgent: fields.userAgent } : {}) },
    domainName: fields.domainName ?? '',
    ...(fields.authorizer ? { authorizer: JSON.parse(fields.authorizer) as ConnectionRecord['authorizer'] } : {}),
  };
}
