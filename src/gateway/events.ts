import { formatRequestTime } from './request-time.js';

/** What the gateway knows about a connection; every event of the connection is built from it. */
export interface ConnectionContext {
  connectionId: string;
  connectedAt: number;
  identity: { sourceIp: string; userAgent?: string };
  domainName: string;
  stage: string;
  apiId: string;
  /** The authorizer's `principalId` and context keys, when `$connect` has an authorizer. */
  authorizer?: Readonly<Record<string, string | number | boolean>>;
}

/** One request of the connection: a connect, a message or a disconnect. */
export interface RequestContextInput {
  requestId: string;
  requestTimeEpoch: number;
}

export interface ConnectEventInput {
  connection: ConnectionContext;
  request: RequestContextInput;
  /** node:http rawHeaders: name, value, name, value… as the client sent them. */
  rawHeaders: readonly string[];
  /** The upgrade URL's query string without `?` (empty or undefined when none). */
  query?: string;
  /** `X-Amzn-Trace-Id` value. */
  traceId: string;
  forwardedPort: number;
  forwardedProto: 'http' | 'https';
  /** Authorizer's latency, added to `requestContext.authorizer` on CONNECT only. */
  integrationLatency?: number;
}

export type HeaderMap = Record<string, string>;
export type MultiHeaderMap = Record<string, string[]>;

/** API Gateway does not pass the hop-by-hop upgrade headers on to `$connect` (they do reach authorizers). */
const CONNECT_OMITTED_HEADERS = new Set(['connection', 'upgrade']);

function buildRequestContext(
  routeKey: string,
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
  connection: ConnectionContext,
  request: RequestContextInput,
  specific: { messageId?: string; disconnectStatusCode?: number; disconnectReason?: string },
  authorizer?: Record<string, string | number | boolean>,
): Record<string, unknown> {
  // Key order follows captured AWS events.
  const context: Record<string, unknown> = { routeKey };
  if (specific.messageId !== undefined) context.messageId = specific.messageId;
  if (specific.disconnectStatusCode !== undefined) context.disconnectStatusCode = specific.disconnectStatusCode;
  context.eventType = eventType;
  context.extendedRequestId = request.requestId;
  context.requestTime = formatRequestTime(request.requestTimeEpoch);
  context.messageDirection = 'IN';
  if (specific.disconnectReason !== undefined) context.disconnectReason = specific.disconnectReason;
  context.stage = connection.stage;
  context.connectedAt = connection.connectedAt;
  context.requestTimeEpoch = request.requestTimeEpoch;
  context.identity = { ...connection.identity };
  if (authorizer) context.authorizer = authorizer;
  context.requestId = request.requestId;
  context.domainName = connection.domainName;
  context.connectionId = connection.connectionId;
  context.apiId = connection.apiId;
  return context;
}

export function buildHeaderMaps(pairs: readonly (readonly [string, string])[]): { headers: HeaderMap; multiValueHeaders: MultiHeaderMap } {
  const headers: HeaderMap = {};
  const multiValueHeaders: MultiHeaderMap = {};
  const canonical = new Map<string, string>();
  for (const [rawName, value] of pairs) {
    const lower = rawName.toLowerCase();
    const name = canonical.get(lower) ?? rawName;
    canonical.set(lower, name);
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

export function pairRawHeaders(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}

export function buildQueryMaps(query: string): {
  queryStringParameters: Record<string, string>;
  multiValueQueryStringParameters: Record<string, string[]>;
} {
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    queryStringParameters[key] = value;
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }
  return { queryStringParameters, multiValueQueryStringParameters };
}

/** The CONNECT event for `$connect` (spec §1): client headers plus the ones API Gateway adds. */
export function buildConnectEvent(input: ConnectEventInput): Record<string, unknown> {
  const pairs = pairRawHeaders(input.rawHeaders).filter(([name]) => !CONNECT_OMITTED_HEADERS.has(name.toLowerCase()));
  const sent = (name: string) => pairs.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  const clientForwardedFor = sent('x-forwarded-for');
  const added: [string, string][] = [
    ['X-Amzn-Trace-Id', input.traceId],
    ['X-Forwarded-For', clientForwardedFor ? `${clientForwardedFor}, ${input.connection.identity.sourceIp}` : input.connection.identity.sourceIp],
    ['X-Forwarded-Port', String(input.forwardedPort)],
    ['X-Forwarded-Proto', input.forwardedProto],
  ];
  const addedNames = new Set(added.map(([n]) => n.toLowerCase()));
  const { headers, multiValueHeaders } = buildHeaderMaps([
    ...pairs.filter(([name]) => !addedNames.has(name.toLowerCase())),
    ...added,
  ]);
  const event: Record<string, unknown> = { headers, multiValueHeaders };
  if (input.query) Object.assign(event, buildQueryMaps(input.query));
  const authorizer = input.connection.authorizer
    ? { ...input.connection.authorizer, ...(input.integrationLatency !== undefined ? { integrationLatency: input.integrationLatency } : {}) }
    : undefined;
  event.requestContext = buildRequestContext('$connect', 'CONNECT', input.connection, input.request, {}, authorizer);
  event.isBase64Encoded = false;
  return event;
}

/** The MESSAGE event for a custom route or `$default`: no headers, the text frame verbatim as `body`. */
export function buildMessageEvent(input: {
  connection: ConnectionContext;
  request: RequestContextInput;
  routeKey: string;
  messageId: string;
  body: string;
}): Record<string, unknown> {
  const authorizer = input.connection.authorizer ? { ...input.connection.authorizer } : undefined;
  return {
    requestContext: buildRequestContext(input.routeKey, 'MESSAGE', input.connection, input.request, { messageId: input.messageId }, authorizer),
    body: input.body,
    isBase64Encoded: false,
  };
}

/** The DISCONNECT event: API Gateway sends a fixed synthetic header set, not the client's headers. */
export function buildDisconnectEvent(input: {
  connection: ConnectionContext;
  request: RequestContextInput;
  disconnectStatusCode: number;
  disconnectReason: string;
}): Record<string, unknown> {
  const { headers, multiValueHeaders } = buildHeaderMaps([
    ['Host', input.connection.domainName],
    ['x-api-key', ''],
    ['X-Forwarded-For', ''],
    ['x-restapi', ''],
  ]);
  const authorizer = input.connection.authorizer ? { ...input.connection.authorizer } : undefined;
  return {
    headers,
    multiValueHeaders,
    requestContext: buildRequestContext(
      '$disconnect',
      'DISCONNECT',
      input.connection,
      input.request,
      { disconnectStatusCode: input.disconnectStatusCode, disconnectReason: input.disconnectReason },
      authorizer,
    ),
    isBase64Encoded: false,
  };
}

/** `Root=1-{epoch seconds hex}-{24 hex}` like API Gateway's X-Ray trace header. */
export function buildTraceId(epochMs: number, random: Uint8Array, offset = 0): string {
  const hex = Buffer.from(random.buffer, random.byteOffset + offset, 12).toString('hex');
  return `Root=1-${Math.floor(epochMs / 1000).toString(16).padStart(8, '0')}-${hex}`;
}
