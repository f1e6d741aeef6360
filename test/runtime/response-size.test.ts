import { describe, expect, it } from 'vitest';
import { certainlyWithinLimit, MAX_RESPONSE_BYTES } from '../../src/runtime/runner/response-size.js';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('certainlyWithinLimit', () => {
  it('passes the usual WebSocket results and scalars without encoding them', () => {
    expect(certainlyWithinLimit({ statusCode: 200, body: 'hello' })).toBe(true);
    expect(certainlyWithinLimit({ statusCode: 200, body: undefined, isBase64Encoded: false, extra: null })).toBe(true);
    expect(certainlyWithinLimit('text')).toBe(true);
    expect(certainlyWithinLimit(42)).toBe(true);
    expect(certainlyWithinLimit(null)).toBe(true);
    expect(certainlyWithinLimit(Object.assign(Object.create(null), { a: 1 }))).toBe(true);
  });

  it('leaves to measuring what could be over the limit or has its own JSON', () => {
    expect(certainlyWithinLimit({ statusCode: 200, body: 'x'.repeat(MAX_RESPONSE_BYTES) })).toBe(false);
    expect(certainlyWithinLimit({ statusCode: 200, body: { nested: true } })).toBe(false);
    expect(certainlyWithinLimit([1, 2])).toBe(false);
    expect(certainlyWithinLimit(new Date(0))).toBe(false);
    expect(certainlyWithinLimit({ toJSON: () => 'x'.repeat(MAX_RESPONSE_BYTES + 1) })).toBe(false);
    expect(certainlyWithinLimit(10n)).toBe(false);
    expect(certainlyWithinLimit({ n: 10n })).toBe(false);
  });

  it('never passes a result whose JSON is over the limit, however its characters encode', () => {
    // Each of these is just over 6,291,556 bytes once encoded; a bound per character must see them all.
    const units = Math.ceil(MAX_RESPONSE_BYTES / 6);
    const overLimit = [
      { body: '\u0001'.repeat(units) }, // control characters: \u0001, 6 bytes each
      { body: '\ud800'.repeat(units) }, // lone surrogates: \ud800, 6 bytes each
      { body: '€'.repeat(Math.ceil(MAX_RESPONSE_BYTES / 3)) }, // 3 UTF-8 bytes each
      { [`${'k'.repeat(MAX_RESPONSE_BYTES)}`]: 1 },
    ];
    for (const value of overLimit) {
      expect(bytesOf(value)).toBeGreaterThan(MAX_RESPONSE_BYTES);
      expect(certainlyWithinLimit(value)).toBe(false);
    }
  });
});
