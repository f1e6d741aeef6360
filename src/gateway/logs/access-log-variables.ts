import type { RequestRecord } from './request-record.js';

/** A `$context` value as the access log prints it; undefined and '' render as `-`, like AWS. */
type Value = string | number | boolean | undefined;
type Reader = (record: RequestRecord) => Value;

const invoked = (record: RequestRecord): number | undefined => (record.integration ? 200 : undefined);
const authorizerInvoked = (record: RequestRecord): number | undefined =>
  record.authorizer?.latency !== undefined && record.authorizer.status !== 401 ? 200 : undefined;
const unavailable: Reader = () => undefined;
// Latencies are whole milliseconds in AWS logs.
const ms = (value: number | undefined): number | undefined => (value === undefined ? undefined : Math.round(value));

/**
 * Every `$context` variable AWS documents for WebSocket access logs (websocket-api-logging.html), with what
 * it reads locally. Identity fields that only IAM, Cognito or API keys fill are always `-` here, as they
 * are on AWS for a WebSocket API with a Lambda authorizer.
 */
export const ACCESS_LOG_VARIABLES: Readonly<Record<string, Reader>> = {
  apiId: (r) => r.apiId,
  'authorize.error': (r) => r.authorizer?.error,
  'authorize.latency': (r) => ms(r.authorizer?.latency),
  'authorize.status': (r) => r.authorizer?.status,
  'authorizer.error': (r) => r.authorizer?.error,
  'authorizer.integrationLatency': (r) => ms(r.authorizer?.latency),
  'authorizer.integrationStatus': authorizerInvoked,
  'authorizer.latency': (r) => ms(r.authorizer?.latency),
  'authorizer.requestId': (r) => r.authorizer?.requestId,
  'authorizer.status': (r) => r.authorizer?.status,
  'authorizer.principalId': (r) => r.authorizer?.principalId,
  'authenticate.error': unavailable,
  'authenticate.latency': unavailable,
  'authenticate.status': unavailable,
  connectedAt: (r) => r.connectedAt,
  connectionId: (r) => r.connectionId,
  domainName: (r) => r.domainName,
  'error.message': (r) => r.error?.message,
  // Meant to sit unquoted in JSON formats, so even an absent message stays valid JSON.
  'error.messageString': (r) => JSON.stringify(r.error?.message || '-'),
  'error.responseType': (r) => r.error?.responseType,
  'error.validationErrorString': unavailable,
  eventType: (r) => r.eventType,
  extendedRequestId: (r) => r.extendedRequestId,
  'identity.accountId': unavailable,
  'identity.apiKey': unavailable,
  'identity.apiKeyId': unavailable,
  'identity.caller': unavailable,
  'identity.cognitoAuthenticationProvider': unavailable,
  'identity.cognitoAuthenticationType': unavailable,
  'identity.cognitoIdentityId': unavailable,
  'identity.cognitoIdentityPoolId': unavailable,
  'identity.principalOrgId': unavailable,
  'identity.sourceIp': (r) => r.identity.sourceIp,
  'identity.user': unavailable,
  'identity.userAgent': (r) => r.identity.userAgent,
  'identity.userArn': unavailable,
  'integration.error': (r) => r.integration?.error,
  'integration.integrationStatus': invoked,
  'integration.latency': (r) => ms(r.integration?.latency),
  'integration.requestId': (r) => r.integration?.requestId,
  'integration.status': (r) => r.integration?.status,
  integrationLatency: (r) => ms(r.integration?.latency),
  integrationStatus: invoked,
  messageId: (r) => (r.eventType === 'MESSAGE' ? r.messageId : undefined),
  requestId: (r) => r.requestId,
  requestTime: (r) => r.requestTime,
  requestTimeEpoch: (r) => r.requestTimeEpoch,
  routeKey: (r) => r.routeKey,
  stage: (r) => r.stage,
  status: (r) => r.status,
};

/** `$context.authorizer.<key>`: a key of the context map the Lambda authorizer returned. */
export const AUTHORIZER_PROPERTY_PREFIX = 'authorizer.';

export function isKnownAccessLogVariable(name: string): boolean {
  if (Object.hasOwn(ACCESS_LOG_VARIABLES, name)) return true;
  return name.startsWith(AUTHORIZER_PROPERTY_PREFIX) && /^[A-Za-z0-9_]+$/.test(name.slice(AUTHORIZER_PROPERTY_PREFIX.length));
}

export function readAccessLogVariable(name: string, record: RequestRecord): string {
  const value = Object.hasOwn(ACCESS_LOG_VARIABLES, name)
    ? ACCESS_LOG_VARIABLES[name](record)
    : record.authorizer?.context?.[name.slice(AUTHORIZER_PROPERTY_PREFIX.length)];
  return value === undefined || value === '' ? '-' : String(value);
}
