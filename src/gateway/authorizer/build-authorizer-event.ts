export interface BuildAuthorizerEventInput {
  /** The CONNECT event the handshake built (without `requestContext.authorizer`). */
  connectEvent: Record<string, any>;
  /** rawHeaders of node:http, used only when the CONNECT event carries no headers. */
  rawHeaders?: readonly string[];
  region: string;
  accountId: string;
}

export interface AuthorizerEvent {
  type: 'REQUEST';
  methodArn: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string>;
  multiValueQueryStringParameters: Record<string, string[]>;
  stageVariables: Record<string, string>;
  requestContext: Record<string, unknown>;
}

// Real authorizer input shows these, the CONNECT event does not; AWS writes them in this case.
const HANDSHAKE_HEADERS: ReadonlyArray<[string, string]> = [
  ['Connection', 'upgrade'],
  ['content-length', '0'],
  ['Upgrade', 'websocket'],
];

export function buildMethodArn(region: string, accountId: string, apiId: string, stage: string): string {
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/$connect`;
}

/** The REQUEST authorizer event exactly as API Gateway sends it for a WebSocket `$connect`. */
export function buildAuthorizerEvent(input: BuildAuthorizerEventInput): AuthorizerEvent {
  const { connectEvent } = input;
  const context: Record<string, unknown> = { ...(connectEvent.requestContext ?? {}) };
  delete context.authorizer;
  delete context.integrationLatency;

  const multiValueHeaders = collectMultiValueHeaders(connectEvent, input.rawHeaders ?? []);
  for (const [name, value] of HANDSHAKE_HEADERS) {
    for (const existing of Object.keys(multiValueHeaders)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete multiValueHeaders[existing];
    }
    multiValueHeaders[name] = [value];
  }
  const sortedMulti = sortByName(multiValueHeaders);
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(sortedMulti)) headers[name] = values[values.length - 1];

  return {
    type: 'REQUEST',
    methodArn: buildMethodArn(input.region, input.accountId, String(context.apiId), String(context.stage)),
    headers,
    multiValueHeaders: sortedMulti,
    queryStringParameters: { ...(connectEvent.queryStringParameters ?? {}) },
    multiValueQueryStringParameters: copyMulti(connectEvent.multiValueQueryStringParameters ?? {}),
    stageVariables: { ...(connectEvent.stageVariables ?? {}) },
    requestContext: context,
  };
}

function collectMultiValueHeaders(connectEvent: Record<string, any>, rawHeaders: readonly string[]): Record<string, string[]> {
  if (connectEvent.multiValueHeaders) return copyMulti(connectEvent.multiValueHeaders);
  const result: Record<string, string[]> = {};
  if (connectEvent.headers) {
    for (const [name, value] of Object.entries(connectEvent.headers as Record<string, string>)) result[name] = [value];
    return result;
  }
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const key = Object.keys(result).find((existing) => existing.toLowerCase() === name.toLowerCase()) ?? name;
    (result[key] ??= []).push(rawHeaders[i + 1]);
  }
  return result;
}

function copyMulti(source: Record<string, readonly string[]>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(source)) result[name] = [...values];
  return result;
}

// Captured authorizer events list headers sorted by name, ignoring case.
function sortByName<T>(record: Record<string, T>): Record<string, T> {
  const names = Object.keys(record).sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const result: Record<string, T> = {};
  for (const name of names) result[name] = record[name];
  return result;
}
