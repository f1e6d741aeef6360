import { describe, expect, it } from 'vitest';
import { buildTestModel } from './build-model.js';
import { resolveAuthorizerFunction } from '../../src/gateway/authorizer/resolve-authorizer-function.js';

const arn = 'arn:aws:lambda:us-east-1:111111111111:function:shared-auth';
const identitySource = ['route.request.header.Auth'];

describe('resolveAuthorizerFunction', () => {
  const model = buildTestModel({ functions: { connect: 'h.connect', auth: 'h.auth', localAuth: 'h.local' } });

  it('runs a function authorizer as that function', () => {
    expect(resolveAuthorizerFunction({ kind: 'function', name: 'auth', functionKey: 'auth', identitySource }, model)).toEqual({
      ok: true,
      functionKey: 'auth',
    });
  });

  it('maps an ARN through custom.wsgate.authorizers, by ARN or by name', () => {
    const authorizer = { kind: 'arn', arn, name: 'shared-auth', identitySource } as const;
    const byArn = buildTestModel({ functions: { localAuth: 'h.local' }, custom: { wsgate: { authorizers: { [arn]: 'localAuth' } } } });
    const byName = buildTestModel({ functions: { localAuth: 'h.local' }, custom: { wsgate: { authorizers: { 'shared-auth': 'localAuth' } } } });
    expect(resolveAuthorizerFunction(authorizer, byArn)).toEqual({ ok: true, functionKey: 'localAuth' });
    expect(resolveAuthorizerFunction(authorizer, byName)).toEqual({ ok: true, functionKey: 'localAuth' });
  });

  it('explains how to map an unmapped ARN', () => {
    const resolution = resolveAuthorizerFunction({ kind: 'arn', arn, name: 'shared-auth', identitySource }, model);
    expect(resolution.ok).toBe(false);
    if (resolution.ok) return;
    expect(resolution.reason).toContain(arn);
    expect(resolution.hint).toContain('custom');
    expect(resolution.hint).toContain('authorizers');
    expect(resolution.hint).toContain(JSON.stringify(arn));
  });

  it('refuses a mapping to a function the service does not have', () => {
    const bad = buildTestModel({ functions: { auth: 'h.auth' }, custom: { wsgate: { authorizers: { [arn]: 'nope' } } } });
    const resolution = resolveAuthorizerFunction({ kind: 'arn', arn, name: 'shared-auth', identitySource }, bad);
    expect(resolution).toMatchObject({ ok: false, reason: expect.stringContaining('"nope"'), hint: expect.stringContaining('auth') });
  });

  it('recognises an ARN or GetAtt that names a function of this service', () => {
    const own = `arn:aws:lambda:us-east-1:111111111111:function:auth-test-dev-auth`;
    expect(resolveAuthorizerFunction({ kind: 'arn', arn: own, name: 'auth-test-dev-auth', identitySource }, model)).toEqual({ ok: true, functionKey: 'auth' });
    expect(resolveAuthorizerFunction({ kind: 'arn', arn: `${own}:live`, name: 'live', identitySource }, model)).toEqual({ ok: true, functionKey: 'auth' });
    const getAtt = { 'Fn::GetAtt': ['LocalAuthLambdaFunction', 'Arn'] };
    expect(resolveAuthorizerFunction({ kind: 'arn', arn: getAtt, name: 'x', identitySource }, model)).toEqual({ ok: true, functionKey: 'localAuth' });
  });
});
