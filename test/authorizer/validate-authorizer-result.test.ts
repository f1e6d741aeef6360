import { describe, expect, it } from 'vitest';
import { validateAuthorizerResult } from '../../src/gateway/authorizer/validate-authorizer-result.js';

const policyDocument = {
  Version: '2012-10-17',
  Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }],
};

describe('validateAuthorizerResult', () => {
  it('accepts principalId, a policy and scalar context values', () => {
    const check = validateAuthorizerResult({ principalId: 'user-1', policyDocument, context: { a: 'x', n: 1, b: true } });
    expect(check).toEqual({ ok: true, principalId: 'user-1', statements: policyDocument.Statement, context: { a: 'x', n: 1, b: true } });
  });

  it('accepts a result without context', () => {
    expect(validateAuthorizerResult({ principalId: 'u', policyDocument })).toMatchObject({ ok: true, context: {} });
  });

  it('rejects a missing or empty principalId', () => {
    expect(validateAuthorizerResult({ policyDocument })).toMatchObject({ ok: false, reason: expect.stringContaining('principalId') });
    expect(validateAuthorizerResult({ principalId: '', policyDocument }).ok).toBe(false);
    expect(validateAuthorizerResult({ principalId: 7, policyDocument }).ok).toBe(false);
  });

  it('rejects context values that are objects, arrays or null', () => {
    for (const value of [{ nested: 1 }, [1, 2], null]) {
      const check = validateAuthorizerResult({ principalId: 'u', policyDocument, context: { bad: value } });
      expect(check).toMatchObject({ ok: false, reason: expect.stringContaining('context.bad') });
    }
  });

  it('rejects a result over 8 KB and accepts one just under', () => {
    const base = { principalId: 'u', policyDocument, context: { pad: '' } };
    const overhead = Buffer.byteLength(JSON.stringify(base));
    const under = { ...base, context: { pad: 'x'.repeat(8192 - overhead) } };
    const over = { ...base, context: { pad: 'x'.repeat(8193 - overhead) } };
    expect(Buffer.byteLength(JSON.stringify(under))).toBe(8192);
    expect(validateAuthorizerResult(under).ok).toBe(true);
    expect(validateAuthorizerResult(over)).toMatchObject({ ok: false, reason: expect.stringContaining('8192') });
  });

  it('rejects non-objects and a missing policy document', () => {
    expect(validateAuthorizerResult(undefined).ok).toBe(false);
    expect(validateAuthorizerResult('Allow').ok).toBe(false);
    expect(validateAuthorizerResult({ principalId: 'u' })).toMatchObject({ ok: false, reason: expect.stringContaining('policyDocument') });
  });
});
