import { describe, expect, it } from 'vitest';
import { formatManagementLine } from '../../gateway/dev-log.js';
import { decodeMessage, encodeMessage } from './wire.js';

describe('messages between nodes', () => {
  it('carry a binary frame byte for byte, with a newline and bytes that are not UTF-8', () => {
    const body = Buffer.from([0x0a, 0xff, 0x00, 0x7b, 0x0a]);
    const decoded = decodeMessage(encodeMessage({ kind: 'call', callId: 7, from: 'node-a', deadline: 1_700_000_000_000, call: { method: 'POST', connectionId: 'abc=', body } }));
    expect(decoded).toEqual({ kind: 'call', callId: 7, from: 'node-a', deadline: 1_700_000_000_000, call: { method: 'POST', connectionId: 'abc=', body } });
  });

  it('carry an answer with its error type, and a GET without a body', () => {
    const answer = { status: 410, body: '{}', errorType: 'GoneException' };
    expect(decodeMessage(encodeMessage({ kind: 'answer', callId: 1, node: 'b', answer }))).toEqual({ kind: 'answer', callId: 1, node: 'b', answer });
    expect(decodeMessage(encodeMessage({ kind: 'call', callId: 2, from: 'a', deadline: 5, call: { method: 'GET', connectionId: 'x' } }))).toEqual({
      kind: 'call',
      callId: 2,
      from: 'a',
      deadline: 5,
      call: { method: 'GET', connectionId: 'x' },
    });
  });

  it('ignore what another program publishes on the channel', () => {
    expect(decodeMessage(Buffer.from('hello'))).toBeUndefined();
    expect(decodeMessage(Buffer.from('{"k":"c","i":1}\n'))).toBeUndefined();
    expect(decodeMessage(Buffer.from('not json\nbody'))).toBeUndefined();
  });
});

describe('the @connections log line of a node', () => {
  const base = { method: 'POST', operation: 'PostToConnection' as const, connectionId: 'abc=', status: 200, durationMs: 3, time: Date.UTC(2026, 0, 1, 12, 0, 0) };
  it('names the node that answered, or the node of the caller', () => {
    expect(formatManagementLine({ ...base, node: 'node-b' })).toBe('12:00:00.000 @connections abc= POST         PostToConnection 200, answered by node node-b (3 ms)');
    expect(formatManagementLine({ ...base, forwardedFrom: 'node-a' })).toBe('12:00:00.000 @connections abc= POST         PostToConnection 200, for a caller on node node-a (3 ms)');
  });
});
