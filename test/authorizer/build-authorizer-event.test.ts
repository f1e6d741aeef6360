import { describe, expect, it } from 'vitest';
import { buildAuthorizerEvent, buildMethodArn } from '../../src/gateway/authorizer/build-authorizer-event.js';
import { LOCAL_ACCOUNT_ID } from '../../src/gateway/ids.js';

// Keys and methodArn of a real WebSocket authorizer event (aws-powertools/powertools-lambda-python,
// tests/events/apiGatewayAuthorizerWebSocketEvent.json, captured Jan 2025).
const captured = {
  topLevelKeys: ['type', 'methodArn', 'headers', 'multiValueHeaders', 'queryStringParameters',
    'multiValueQueryStringParameters', 'stageVariables', 'requestContext'],
  methodArn: 'arn:aws:execute-api:us-east-1:533568316194:c5jwxq709g/production/$connect',
  requestContextKeys: ['routeKey', 'eventType', 'extendedRequestId', 'requestTime', 'messageDirection', 'stage',
    'connectedAt', 'requestTimeEpoch', 'identity', 'requestId', 'domainName', 'connectionId', 'apiId'],
};

const connectEvent = {
  headers: {
    Auth: 'secret',
    Host: '127.0.0.1:3001',
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    'X-Amzn-Trace-Id': 'Root=1-6797b6d3-64f9c928577f3ac56f5368ce',
    'X-Forwarded-For': '127.0.0.1',
    'X-Forwarded-Port': '3001',
    'X-Forwarded-Proto': 'http',
  },
  multiValueHeaders: {
    Auth: ['secret'],
    Host: ['127.0.0.1:3001'],
    'Sec-WebSocket-Extensions': ['permessage-deflate; client_max_window_bits'],
    'Sec-WebSocket-Key': ['dGhlIHNhbXBsZSBub25jZQ=='],
    'Sec-WebSocket-Version': ['13'],
    'X-Amzn-Trace-Id': ['Root=1-6797b6d3-64f9c928577f3ac56f5368ce'],
    'X-Forwarded-For': ['127.0.0.1'],
    'X-Forwarded-Port': ['3001'],
    'X-Forwarded-Proto': ['http'],
  },
  queryStringParameters: { token: 'abc' },
  multiValueQueryStringParameters: { token: ['abc'] },
  requestContext: {
    routeKey: '$connect',
    eventType: 'CONNECT',
    extendedRequestId: 'FDmBIG3EoAMEqYA=',
    requestTime: '27/Jan/2025:16:39:47 +0000',
    messageDirection: 'IN',
    stage: 'local',
    connectedAt: 1737995987617,
    requestTimeEpoch: 1737995987617,
    identity: { sourceIp: '127.0.0.1' },
    requestId: 'FDmBIG3EoAMEqYA=',
    domainName: '127.0.0.1:3001',
    connectionId: 'FDmBIeapIAMCIQg=',
    apiId: 'abcdef1234',
  },
  isBase64Encoded: false,
};

describe('buildAuthorizerEvent', () => {
  const event = buildAuthorizerEvent({ connectEvent, rawHeaders: [], region: 'eu-west-1', accountId: LOCAL_ACCOUNT_ID });

  it('has the top-level keys of a captured AWS authorizer event, in the same order', () => {
    expect(Object.keys(event)).toEqual(captured.topLevelKeys);
    expect(event.type).toBe('REQUEST');
  });

  it('builds methodArn from region, account, api id and stage, without an HTTP verb', () => {
    expect(event.methodArn).toBe('arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/local/$connect');
    expect(buildMethodArn('us-east-1', '533568316194', 'c5jwxq709g', 'production')).toBe(captured.methodArn);
  });

  it('adds the handshake headers AWS shows only to the authorizer, sorted by name ignoring case', () => {
    expect(event.headers).toMatchObject({ Connection: 'upgrade', Upgrade: 'websocket', 'content-length': '0', Auth: 'secret' });
    expect(event.multiValueHeaders.Connection).toEqual(['upgrade']);
    const names = Object.keys(event.headers);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(Object.keys(event.multiValueHeaders)).toEqual(names);
    expect(names.filter((name) => name.toLowerCase() === 'connection')).toHaveLength(1);
  });

  it('replaces a client Connection header rather than duplicating it', () => {
    const withConnection = {
      ...connectEvent,
      multiValueHeaders: { ...connectEvent.multiValueHeaders, connection: ['Upgrade'] },
    };
    const built = buildAuthorizerEvent({ connectEvent: withConnection, rawHeaders: [], region: 'r', accountId: 'a' });
    expect(Object.keys(built.headers).filter((name) => name.toLowerCase() === 'connection')).toEqual(['Connection']);
  });

  it('copies query strings and gives empty objects when there are none', () => {
    expect(event.queryStringParameters).toEqual({ token: 'abc' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['abc'] });
    const { queryStringParameters, multiValueQueryStringParameters, ...bare } = connectEvent;
    void queryStringParameters;
    void multiValueQueryStringParameters;
    const empty = buildAuthorizerEvent({ connectEvent: bare, rawHeaders: [], region: 'r', accountId: 'a' });
    expect(empty.queryStringParameters).toEqual({});
    expect(empty.multiValueQueryStringParameters).toEqual({});
    expect(empty.stageVariables).toEqual({});
  });

  it('carries the CONNECT request context with the keys of the captured one and no authorizer', () => {
    const withAuthorizer = { ...connectEvent, requestContext: { ...connectEvent.requestContext, authorizer: { principalId: 'x' } } };
    const built = buildAuthorizerEvent({ connectEvent: withAuthorizer, rawHeaders: [], region: 'r', accountId: 'a' });
    expect(Object.keys(built.requestContext).sort()).toEqual([...captured.requestContextKeys].sort());
    expect(built.requestContext.connectionId).toBe('FDmBIeapIAMCIQg=');
  });

  it('falls back to raw headers when the CONNECT event has none', () => {
    const { headers, multiValueHeaders, ...bare } = connectEvent;
    void headers;
    void multiValueHeaders;
    const built = buildAuthorizerEvent({
      connectEvent: bare,
      rawHeaders: ['Host', 'h', 'Auth', 'one', 'auth', 'two', 'Connection', 'Upgrade'],
      region: 'r',
      accountId: 'a',
    });
    expect(built.multiValueHeaders.Auth).toEqual(['one', 'two']);
    expect(built.headers.Auth).toBe('two');
    expect(built.headers.Connection).toBe('upgrade');
  });
});
