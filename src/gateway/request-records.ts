import type { InvokeFailure } from '../runtime/invoker.js';
import type { ConnectionContext } from './events.js';
import type { RequestRecord } from './logs/request-record.js';
import { formatRequestTime } from './request-time.js';

/**
 * The record of one request of a connection, before its outcome is known (status 200 until told otherwise).
 * The authorizer's principal and context belong to the whole connection on AWS, so MESSAGE and DISCONNECT
 * records carry them too (`$context.authorizer.*`); the handshake fills in CONNECT's own, with its status.
 */
export function startRequestRecord(
  connection: ConnectionContext,
  eventType: RequestRecord['eventType'],
  routeKey: string,
  requestId: string,
  requestTimeEpoch: number,
): RequestRecord {
  const record: RequestRecord = {
    eventType,
    routeKey,
    connectionId: connection.connectionId,
    requestId,
    extendedRequestId: requestId,
    requestTime: formatRequestTime(requestTimeEpoch),
    requestTimeEpoch,
    connectedAt: connection.connectedAt,
    stage: connection.stage,
    apiId: connection.apiId,
    domainName: connection.domainName,
    identity: connection.identity,
    status: 200,
    durationMs: 0,
  };
  if (eventType !== 'CONNECT' && connection.authorizer) record.authorizer = authorizerRecordOf(connection.authorizer);
  return record;
}

/** One per connection, shared by its records: observers only read them. */
const authorizerRecords = new WeakMap<object, NonNullable<RequestRecord['authorizer']>>();

function authorizerRecordOf(authorizer: NonNullable<ConnectionContext['authorizer']>): NonNullable<RequestRecord['authorizer']> {
  let cached = authorizerRecords.get(authorizer);
  if (!cached) {
    const { principalId, ...context } = authorizer;
    cached = { context, ...(principalId !== undefined ? { principalId: String(principalId) } : {}) };
    authorizerRecords.set(authorizer, cached);
  }
  return cached;
}

/** `$context.integration.error` of a failed invocation: Lambda's error type and message. */
export function describeInvokeFailure(failure: InvokeFailure): string {
  return `${failure.error.errorType}: ${failure.error.errorMessage}`;
}
