import { describe, expect, it } from 'vitest';
import { encodeMessageEvent, encodeMessageEventParts } from './encode-message-event.js';
import { buildMessageEvent, type ConnectionContext } from './events.js';

const base: ConnectionContext = {
  connectionId: 'BFaT_fALIAMCKug=',
  connectedAt: 1731332735513,
  identity: { sourceIp: '127.0.0.1', userAgent: 'Mozilla/5.0' },
  domainName: 'localhost:3001',
  stage: 'dev',
  apiId: 'abcdef1234',
};

// Texts a client, a handler's authorizer or an injected clock and id generator can put into an event.
const awkward = ['', 'plain', 'quote " and \\ backslash', 'line\nbreak\ttab\u0000nul', 'é ü 漢字 😀', 'lone \ud800 surrogate', '</script>\u2028\u2029'];

describe('encodeMessageEvent', () => {
  it('writes exactly the JSON of buildMessageEvent, key for key, whatever the texts and connection', () => {
    const connections: ConnectionContext[] = [
      base,
      { ...base, identity: { sourceIp: '::1' } },
      { ...base, authorizer: { principalId: 'user-1', integrationLatency: 12, admin: true, name: 'é "x"' } },
      { ...base, connectedAt: 1.5, stage: 'stage "with" quotes' },
    ];
    for (const connection of connections) {
      const parts = encodeMessageEventParts(connection);
      for (const text of awkward) {
        const input = {
          connection,
          request: { requestId: `id-${text}`, requestTimeEpoch: 1731332746514 },
          routeKey: text === '' ? '$default' : text,
          messageId: `m-${text}`,
          body: text,
        };
        expect(encodeMessageEvent(parts, input)).toBe(JSON.stringify(buildMessageEvent(input)));
      }
    }
  });

  it('encodes the requestTime of each message, not of the connection', () => {
    const parts = encodeMessageEventParts(base);
    const at = (requestTimeEpoch: number) =>
      JSON.parse(encodeMessageEvent(parts, { request: { requestId: 'r', requestTimeEpoch }, routeKey: '$default', messageId: 'm', body: '' }));
    expect(at(Date.UTC(2024, 10, 11, 13, 45, 46)).requestContext).toMatchObject({ requestTime: '11/Nov/2024:13:45:46 +0000', requestTimeEpoch: Date.UTC(2024, 10, 11, 13, 45, 46) });
    expect(at(Date.UTC(2025, 0, 2, 3, 4, 5)).requestContext.requestTime).toBe('02/Jan/2025:03:04:05 +0000');
  });
});
