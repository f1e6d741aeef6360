import { describe, expect, it } from 'vitest';
import { checkIdentitySources, parseIdentitySource } from '../../src/gateway/authorizer/identity-source.js';

const request = {
  multiValueHeaders: { Auth: ['secret'], 'X-Empty': [''], 'X-Twice': ['', 'second'] },
  headers: { Auth: 'secret', 'X-Empty': '', 'X-Twice': 'second' },
  multiValueQueryStringParameters: { token: ['abc'], blank: [''] },
  queryStringParameters: { token: 'abc', blank: '' },
  stageVariables: {},
  requestContext: { connectionId: 'AbCdEfGhIjKlMnO=', identity: { sourceIp: '127.0.0.1' }, connectedAt: 1 },
};

describe('parseIdentitySource', () => {
  it('accepts the four forms API Gateway documents for WebSocket authorizers', () => {
    expect(parseIdentitySource('route.request.header.Auth')).toEqual({ kind: 'header', name: 'Auth' });
    expect(parseIdentitySource('route.request.querystring.token')).toEqual({ kind: 'querystring', name: 'token' });
    expect(parseIdentitySource('stageVariables.key')).toEqual({ kind: 'stageVariables', name: 'key' });
    expect(parseIdentitySource('context.identity.sourceIp')).toEqual({ kind: 'context', name: 'identity.sourceIp' });
  });

  it('rejects REST-style and malformed expressions', () => {
    expect(parseIdentitySource('method.request.header.Auth')).toBeUndefined();
    expect(parseIdentitySource('$request.header.Auth')).toBeUndefined();
    expect(parseIdentitySource('route.request.header.')).toBeUndefined();
  });
});

describe('checkIdentitySources', () => {
  it('passes when every source is present and non-empty', () => {
    expect(checkIdentitySources(['route.request.header.Auth', 'route.request.querystring.token'], request)).toEqual({ ok: true });
  });

  it('matches header names ignoring case', () => {
    expect(checkIdentitySources(['route.request.header.auth'], request).ok).toBe(true);
    expect(checkIdentitySources(['route.request.header.AUTH'], request).ok).toBe(true);
  });

  it('matches query keys with case', () => {
    const check = checkIdentitySources(['route.request.querystring.Token'], request);
    expect(check).toMatchObject({ ok: false, source: 'route.request.querystring.Token' });
  });

  it('fails on the first missing source even when the others are present', () => {
    const check = checkIdentitySources(['route.request.header.Auth', 'route.request.querystring.missing'], request);
    expect(check).toMatchObject({ ok: false, source: 'route.request.querystring.missing' });
  });

  it('treats empty values as missing', () => {
    expect(checkIdentitySources(['route.request.header.X-Empty'], request).ok).toBe(false);
    expect(checkIdentitySources(['route.request.querystring.blank'], request).ok).toBe(false);
  });

  it('accepts a repeated header when one of its values is non-empty', () => {
    expect(checkIdentitySources(['route.request.header.x-twice'], request).ok).toBe(true);
  });

  it('reads stage variables (none exist locally) and request context paths', () => {
    expect(checkIdentitySources(['stageVariables.key'], request).ok).toBe(false);
    expect(checkIdentitySources(['stageVariables.key'], { ...request, stageVariables: { key: 'v' } }).ok).toBe(true);
    expect(checkIdentitySources(['context.connectionId'], request).ok).toBe(true);
    expect(checkIdentitySources(['context.identity.sourceIp'], request).ok).toBe(true);
    expect(checkIdentitySources(['context.connectedAt'], request).ok).toBe(true);
    expect(checkIdentitySources(['context.identity'], request).ok).toBe(false);
    expect(checkIdentitySources(['context.nothing'], request).ok).toBe(false);
  });

  it('fails on an unsupported expression', () => {
    expect(checkIdentitySources(['method.request.header.Auth'], request)).toMatchObject({ ok: false });
  });
});
