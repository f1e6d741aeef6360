import { describe, expect, it } from 'vitest';
import { evaluatePolicy, matchesWildcard, readPolicyStatements } from '../../src/gateway/authorizer/evaluate-policy.js';

const arn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/$connect';
const allow = (Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({ Effect: 'Allow', Action, Resource });
const deny = (Resource: unknown) => ({ Effect: 'Deny', Action: 'execute-api:Invoke', Resource });

describe('evaluatePolicy', () => {
  it('allows on an Allow for the exact method ARN', () => {
    expect(evaluatePolicy([allow(arn)], arn).effect).toBe('Allow');
  });

  it('lets an explicit Deny win over an Allow, in any order', () => {
    expect(evaluatePolicy([allow(arn), deny(arn)], arn).effect).toBe('Deny');
    expect(evaluatePolicy([deny('*'), allow(arn)], arn).effect).toBe('Deny');
  });

  it('denies when no statement matches the method ARN', () => {
    const decision = evaluatePolicy([allow('arn:aws:execute-api:us-east-1:123456789012:other/dev/$connect')], arn);
    expect(decision).toMatchObject({ effect: 'Deny' });
    expect(evaluatePolicy([], arn).effect).toBe('Deny');
  });

  it('matches * and ? wildcards in Resource', () => {
    expect(evaluatePolicy([allow('*')], arn).effect).toBe('Allow');
    expect(evaluatePolicy([allow('arn:aws:execute-api:us-east-1:*:abcdef1234/*')], arn).effect).toBe('Allow');
    expect(evaluatePolicy([allow('arn:aws:execute-api:*:*:abcdef123?/dev/$connect')], arn).effect).toBe('Allow');
    expect(evaluatePolicy([allow('arn:aws:execute-api:*:*:abcdef12?/dev/$connect')], arn).effect).toBe('Deny');
    expect(evaluatePolicy([allow('arn:aws:execute-api:*:*:*/prod/*')], arn).effect).toBe('Deny');
  });

  it('accepts Resource and Action as lists and Action wildcards', () => {
    expect(evaluatePolicy([allow(['arn:other', arn])], arn).effect).toBe('Allow');
    expect(evaluatePolicy([allow(arn, ['s3:GetObject', 'execute-api:*'])], arn).effect).toBe('Allow');
    expect(evaluatePolicy([allow(arn, '*')], arn).effect).toBe('Allow');
    expect(evaluatePolicy([allow(arn, 'Execute-API:invoke')], arn).effect).toBe('Allow');
    expect(evaluatePolicy([allow(arn, 's3:*')], arn).effect).toBe('Deny');
  });

  it('treats Resource as case-sensitive', () => {
    expect(evaluatePolicy([allow(arn.toUpperCase())], arn).effect).toBe('Deny');
  });

  it('honours NotResource', () => {
    expect(evaluatePolicy([{ Effect: 'Allow', Action: '*', NotResource: 'arn:other' }], arn).effect).toBe('Allow');
    expect(evaluatePolicy([{ Effect: 'Allow', Action: '*', NotResource: arn }], arn).effect).toBe('Deny');
  });

  it('ignores statements with an unknown Effect', () => {
    expect(evaluatePolicy([{ Effect: 'allow', Action: '*', Resource: '*' }], arn).effect).toBe('Deny');
  });
});

describe('readPolicyStatements', () => {
  it('accepts Statement as one object or a list', () => {
    expect(readPolicyStatements({ Version: '2012-10-17', Statement: allow(arn) })).toMatchObject({ ok: true, statements: [allow(arn)] });
    expect(readPolicyStatements({ Statement: [allow(arn), deny(arn)] })).toMatchObject({ ok: true });
  });

  it('rejects a missing document or malformed statements', () => {
    expect(readPolicyStatements(undefined).ok).toBe(false);
    expect(readPolicyStatements({}).ok).toBe(false);
    expect(readPolicyStatements({ Statement: ['x'] }).ok).toBe(false);
  });
});

describe('matchesWildcard', () => {
  it('escapes regular-expression characters in patterns', () => {
    expect(matchesWildcard('a.b', 'axb', false)).toBe(false);
    expect(matchesWildcard('$connect', '$connect', false)).toBe(true);
    expect(matchesWildcard('(x)+', '(x)+', false)).toBe(true);
  });

  it('matches several stars, stars that must give back characters, and empty runs', () => {
    expect(matchesWildcard('a*b*c', 'axxbyyc', false)).toBe(true);
    expect(matchesWildcard('a*b*c', 'axxbyy', false)).toBe(false);
    expect(matchesWildcard('*/$connect', 'api/dev/$connect', false)).toBe(true);
    expect(matchesWildcard('a*a*a', 'aaaa', false)).toBe(true);
    expect(matchesWildcard('a**', 'a', false)).toBe(true);
    expect(matchesWildcard('?', '', false)).toBe(false);
    expect(matchesWildcard('*?', '', false)).toBe(false);
    expect(matchesWildcard('*?', 'x', false)).toBe(true);
    expect(matchesWildcard('ab', 'abc', false)).toBe(false);
    expect(matchesWildcard('ab*', 'AB', false)).toBe(false);
    expect(matchesWildcard('ab*', 'AB', true)).toBe(true);
    expect(matchesWildcard('line*end', 'line\nend', false)).toBe(true);
  });

  it('agrees with the regular expression IAM wildcards stand for, on every short pattern and value', () => {
    const expand = (alphabet: string, length: number): string[] =>
      length === 0 ? [''] : expand(alphabet, length - 1).flatMap((rest) => [...alphabet].map((char) => char + rest));
    const upTo = (alphabet: string, max: number) => Array.from({ length: max + 1 }, (_, n) => expand(alphabet, n)).flat();
    const values = upTo('ab', 4);
    for (const pattern of upTo('ab*?', 4)) {
      const reference = new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
      for (const value of values) expect([pattern, value, matchesWildcard(pattern, value, false)]).toEqual([pattern, value, reference.test(value)]);
    }
  });
});
