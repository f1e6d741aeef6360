import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildConnectEvent, buildDisconnectEvent, buildMessageEvent, buildTraceId, type ConnectionContext } from './events.js';
import { randomBytes } from 'node:crypto';
import { createIdGenerator, deriveApiId, RandomPool, toAwsId } from './ids.js';
import { formatRequestTime } from './request-time.js';

const captured = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../test/gateway/captured-events/${name}.json`, import.meta.url)), 'utf8'));

const connection: ConnectionContext = {
  connectionId: 'BFHPhfCWIAMCKlQ=',
  connectedAt: 1731324924553,
  identity: { sourceIp: '166.90.225.1' },
  domainName: '127.0.0.1:3001',
  stage: 'prod',
  apiId: 'abcdefghij',
};
const request = { requestId: 'BFHPhFe3IAMF95g=', requestTimeEpoch: 1731324924561 };
const keys = (value: object) => Object.keys(value).sort();

const connectInput = {
  connection,
  request,
  rawHeaders: [
    'Host', '127.0.0.1:3001',
    'Connection', 'Upgrade',
    'Upgrade', 'websocket',
    'Sec-WebSocket-Version', '13',
    'Sec-WebSocket-Key', '+W5xw47OHh3OTFsWKjGu9Q==',
    'Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits',
  ],
  traceId: 'Root=1-6731ebfc-08e1e656421db73c5d2eef31',
  forwardedPort: 3001,
  forwardedProto: 'http' as const,
};

describe('buildConnectEvent', () => {
  it('has exactly the keys of a captured CONNECT event', () => {
    const event = buildConnectEvent(connectInput);
    const real = captured('connect');
    expect(keys(event)).toEqual(keys(real));
    expect(keys(event.requestContext as object)).toEqual(keys(real.requestContext));
    expect(keys(event.headers as object)).toEqual(keys(real.headers));
    expect(keys(event.multiValueHeaders as object)).toEqual(keys(real.multiValueHeaders));
  });

  it('fills the request context like AWS', () => {
    const context = buildConnectEvent(connectInput).requestContext as Record<string, unknown>;
    expect(context).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      extendedRequestId: 'BFHPhFe3IAMF95g=',
      requestId: 'BFHPhFe3IAMF95g=',
      requestTime: '11/Nov/2024:11:35:24 +0000',
      messageDirection: 'IN',
      stage: 'prod',
      connectedAt: 1731324924553,
      requestTimeEpoch: 1731324924561,
      identity: { sourceIp: '166.90.225.1' },
      domainName: '127.0.0.1:3001',
      connectionId: 'BFHPhfCWIAMCKlQ=',
      apiId: 'abcdefghij',
    });
    expect(context).not.toHaveProperty('messageId');
  });

  it('adds the X-Forwarded-* headers API Gateway adds and drops Connection/Upgrade', () => {
    const event = buildConnectEvent(connectInput) as { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> };
    expect(event.headers['X-Forwarded-For']).toBe('166.90.225.1');
    expect(event.headers['X-Forwarded-Port']).toBe('3001');
    expect(event.headers['X-Forwarded-Proto']).toBe('http');
    expect(event.multiValueHeaders.Host).toEqual(['127.0.0.1:3001']);
    expect(event.headers).not.toHaveProperty('Connection');
    expect(event.headers).not.toHaveProperty('Upgrade');
  });

  it('carries query strings only when the URL had one, last value winning in the single-value map', () => {
    expect(buildConnectEvent(connectInput)).not.toHaveProperty('queryStringParameters');
    const event = buildConnectEvent({ ...connectInput, query: 'token=a&room=1&room=2' });
    expect(event.queryStringParameters).toEqual({ token: 'a', room: '2' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['a'], room: ['1', '2'] });
  });

  it('puts the authorizer context, principalId and a numeric integrationLatency on CONNECT', () => {
    const event = buildConnectEvent({ ...connectInput, connection: { ...connection, authorizer: { principalId: 'me', tenant: 't1' } }, integrationLatency: 21 });
    expect((event.requestContext as Record<string, unknown>).authorizer).toEqual({ principalId: 'me', tenant: 't1', integrationLatency: 21 });
  });
});

describe('buildMessageEvent', () => {
  it('has exactly the keys of a captured MESSAGE event, body verbatim', () => {
    const body = '{"action": "chat", "message": "Hello from client"}';
    const event = buildMessageEvent({ connection, request, routeKey: 'chat', messageId: 'BFaVtfGSIAMCKug=', body });
    const real = captured('message');
    expect(keys(event)).toEqual(keys(real));
    expect(keys(event.requestContext as object)).toEqual(keys(real.requestContext));
    expect(event.body).toBe(body);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({ routeKey: 'chat', eventType: 'MESSAGE', messageId: 'BFaVtfGSIAMCKug=' });
  });
});

describe('buildDisconnectEvent', () => {
  it('has exactly the keys of a captured DISCONNECT event and its fixed header set', () => {
    const event = buildDisconnectEvent({ connection, request, disconnectStatusCode: 1005, disconnectReason: 'Client-side close frame status not set' });
    const real = captured('disconnect');
    expect(keys(event)).toEqual(keys(real));
    expect(keys(event.requestContext as object)).toEqual(keys(real.requestContext));
    expect(event.headers).toEqual({ Host: '127.0.0.1:3001', 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' });
    expect(event.multiValueHeaders).toEqual({ Host: ['127.0.0.1:3001'], 'x-api-key': [''], 'X-Forwarded-For': [''], 'x-restapi': [''] });
    expect(event.requestContext).toMatchObject({ disconnectStatusCode: 1005, disconnectReason: 'Client-side close frame status not set', eventType: 'DISCONNECT' });
  });
});

describe('ids and times', () => {
  it('makes 16-character ids in the captured format (URL-safe base64 ending in =)', () => {
    const ids = createIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = ids.nextId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
      seen.add(id);
    }
    expect(seen.size).toBe(200);
    expect(captured('connect').requestContext.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
  });

  it('encodes 11 bytes as base64url with its padding, from any offset', () => {
    for (let i = 0; i < 500; i++) {
      const bytes = randomBytes(20);
      const offset = i % 10;
      expect(toAwsId(bytes, offset)).toBe(`${bytes.subarray(offset, offset + 11).toString('base64url')}=`);
    }
    expect(toAwsId(new Uint8Array(11))).toBe('AAAAAAAAAAAAAAA=');
    expect(toAwsId(new Uint8Array(11).fill(255))).toBe('______________8=');
  });

  it('derives a stable 10-character lower-case api id', () => {
    expect(deriveApiId('chat', 'dev')).toMatch(/^[a-z0-9]{10}$/);
    expect(deriveApiId('chat', 'dev')).toBe(deriveApiId('chat', 'dev'));
    expect(deriveApiId('chat', 'dev')).not.toBe(deriveApiId('chat', 'prod'));
  });

  it('formats requestTime in Common Log Format like the captures', () => {
    expect(formatRequestTime(1731333109875)).toBe('11/Nov/2024:13:51:49 +0000');
    expect(formatRequestTime(Date.UTC(2025, 0, 5, 3, 4, 5))).toBe('05/Jan/2025:03:04:05 +0000');
  });

  it('builds X-Ray style trace ids', () => {
    expect(buildTraceId(1731324924553, new Uint8Array(12).fill(171))).toBe('Root=1-6731ebfc-abababababababababababab');
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(buildTraceId(1731324924553, bytes, 2)).toBe('Root=1-6731ebfc-2233445566778899aabbccdd');
  });

  it('hands out random bytes that no later take overlaps until the pool is drawn afresh', () => {
    const pool = new RandomPool(64);
    const taken = [pool.take(12), pool.take(12), pool.take(12), pool.take(12), pool.take(12)];
    expect(taken).toEqual([0, 12, 24, 36, 48]);
    const before = Buffer.from(pool.bytes);
    // 60 + 12 > 64: the pool is refilled and the take starts over.
    expect(pool.take(12)).toBe(0);
    expect(pool.bytes.equals(before)).toBe(false);
  });
});
