import { describe, expect, it } from 'vitest';
import { buildTestModel } from './build-model.js';
import { collectAuthorizerWarnings } from '../../src/gateway/authorizer/startup-warnings.js';

const arn = 'arn:aws:lambda:us-east-1:111111111111:function:elsewhere';

describe('collectAuthorizerWarnings', () => {
  it('warns about an unmapped ARN authorizer with the key to set', () => {
    const model = buildTestModel({
      functions: { connect: 'h.connect' },
      routes: [{ routeKey: '$connect', functionKey: 'connect', authorizer: { kind: 'arn', arn, name: 'elsewhere', identitySource: ['route.request.header.Auth'] } }],
    });
    const warnings = collectAuthorizerWarnings(model);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'AUTHORIZER_NOT_RUNNABLE', path: 'functions.connect.events[0].websocket.authorizer' });
    expect(warnings[0]!.message).toContain(arn);
    expect(warnings[0]!.hint).toContain('wsgate: { authorizers');
  });

  it('is silent for a mapped ARN and a function authorizer', () => {
    const model = buildTestModel({
      functions: { connect: 'h.connect', auth: 'h.auth' },
      custom: { wsgate: { authorizers: { [arn]: 'auth' } } },
      routes: [{ routeKey: '$connect', functionKey: 'connect', authorizer: { kind: 'arn', arn, name: 'elsewhere', identitySource: ['route.request.header.Auth'] } }],
    });
    expect(collectAuthorizerWarnings(model)).toEqual([]);
    const plain = buildTestModel({
      functions: { connect: 'h.connect', auth: 'h.auth' },
      routes: [{ routeKey: '$connect', functionKey: 'connect', authorizer: { kind: 'function', name: 'auth', functionKey: 'auth', identitySource: ['route.request.header.Auth'] } }],
    });
    expect(collectAuthorizerWarnings(plain)).toEqual([]);
  });

  it('warns about identity sources that can never be satisfied locally', () => {
    const model = buildTestModel({
      functions: { connect: 'h.connect', auth: 'h.auth' },
      routes: [
        {
          routeKey: '$connect',
          functionKey: 'connect',
          authorizer: { kind: 'function', name: 'auth', functionKey: 'auth', identitySource: ['stageVariables.key', 'method.request.header.Auth'] },
        },
      ],
    });
    const warnings = collectAuthorizerWarnings(model);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ code: 'AUTHORIZER_STAGE_VARIABLE_SOURCE', path: 'functions.connect.events[0].websocket.authorizer.identitySource' });
    expect(warnings[0]!.message).toContain('stageVariables.key');
    expect(warnings[1]).toMatchObject({ code: 'AUTHORIZER_UNSUPPORTED_IDENTITY_SOURCE' });
    expect(warnings[1]!.message).toContain('method.request.header.Auth');
  });
});
