import type { ConnectionContext, RequestContextInput } from './events.js';
import { formatRequestTime } from './request-time.js';

/**
 * The JSON text of a MESSAGE event between its per-message values: the same for every message of a connection,
 * so encoded once per connection.
 */
export interface MessageEventParts {
  afterRequestTime: string;
  afterRequestTimeEpoch: string;
  afterRequestId: string;
}

const json = JSON.stringify;

export function encodeMessageEventParts(connection: ConnectionContext): MessageEventParts {
  const authorizer = connection.authorizer ? `"authorizer":${json(connection.authorizer)},` : '';
  return {
    afterRequestTime: `,"messageDirection":"IN","stage":${json(connection.stage)},"connectedAt":${json(connection.connectedAt)},"requestTimeEpoch":`,
    afterRequestTimeEpoch: `,"identity":${json(connection.identity)},${authorizer}"requestId":`,
    afterRequestId: `,"domainName":${json(connection.domainName)},"connectionId":${json(connection.connectionId)},"apiId":${json(connection.apiId)}},"body":`,
  };
}

/**
 * Exactly `JSON.stringify(buildMessageEvent(input))`, keys in the same order, written from the connection's cached
 * parts: encoding the whole event object for every message cost the gateway as much as routing it.
 */
export function encodeMessageEvent(
  parts: MessageEventParts,
  input: { request: RequestContextInput; routeKey: string; messageId: string; body: string },
): string {
  const { request } = input;
  const requestId = json(request.requestId);
  return (
    `{"requestContext":{"routeKey":${json(input.routeKey)},"messageId":${json(input.messageId)},"eventType":"MESSAGE",` +
    `"extendedRequestId":${requestId},"requestTime":${json(formatRequestTime(request.requestTimeEpoch))}${parts.afterRequestTime}` +
    `${json(request.requestTimeEpoch)}${parts.afterRequestTimeEpoch}${requestId}${parts.afterRequestId}${json(input.body)},"isBase64Encoded":false}`
  );
}
