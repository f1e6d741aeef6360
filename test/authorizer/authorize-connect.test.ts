import { describe, expect, it } from 'vitest';
import type { AuthorizerModel } from '../../src/config/model.js';
import type { InvokeResult, Invoker } from '../../src/runtime/invoker.js';
import { buildTestModel } from './build-model.js';
import { authorizeConnect, type AuthorizeConnectInput } from '../../src/gateway/authorizer/authorize-connect.js';

const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/$connect';
const allowPolicy = { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] };

/** An invoker that records its calls and answers with a fixed result. */
function recordingInvoker(answer: InvokeResult): Invoker & { calls: Array<{ functionKey: string; event: any }> } {
  const calls: Array<{ functionKey: string; event: any }> = [];
  return {
    calls,
    async invoke(functionKey, event) {
      calls.push({ functionKey, event });
      return answer;
    },
    async close() {},
  };
}

const ok = (value: unknown): InvokeResult => ({ ok: true, value, durationMs: 3 });
const fail = (kind: 'error' | 'timeout' | 'crash' | 'init', errorMessage: string): InvokeResult => ({
  ok: false,
  kind,
  error: { errorType: 'Error', errorMessage },
  durationMs: 3,
});

const functionAuthorizer: AuthorizerModel = { kind: 'function', name: 'auth', functionKey: 'auth', identitySource: ['route.request.header.Auth'] };
const model = buildTestModel({ functions: { connect: 'h.connect', auth: 'h.auth' } });

function input(invoker: Invoker, overrides: Partial<AuthorizeConnectInput> = {}): AuthorizeConnectInput {
  return {
    authorizer: functionAuthorizer,
    connectEvent: {
      headers: { auth: 'secret', Host: '127.0.0.1:1' },
      multiValueHeaders: { auth: ['secret'], Host: ['127.0.0.1:1'] },
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', stage: 'dev', apiId: 'abcdef1234', connectionId: 'c' },
      isBase64Encoded: false,
    },
    rawHeaders: ['auth', 'secret', 'Host', '127.0.0.1:1'],
    region: 'us-east-1',
    accountId: '123456789012',
    invoker,
    deadlineMs: 29_000,
    service: model,
    ...overrides,
  };
}

describe('authorizeConnect', () => {
  it('admits on Allow and returns the context with principalId', async () => {
    const invoker = recordingInvoker(ok({ principalId: 'me', policyDocument: allowPolicy, context: { tenant: 't1', n: 2 } }));
    const outcome = await authorizeConnect(input(invoker));
    expect(outcome).toMatchObject({ allowed: true, authorizer: { tenant: 't1', n: 2, principalId: 'me' } });
    if (outcome.allowed) expect(typeof outcome.integrationLatency).toBe('number');
    expect(invoker.calls).toHaveLength(1);
    expect(invoker.calls[0].functionKey).toBe('auth');
    expect(invoker.calls[0].event).toMatchObject({ type: 'REQUEST', methodArn });
  });

  it('answers 401 without invoking when an identity source is missing', async () => {
    const invoker = recordingInvoker(ok({ principalId: 'me', policyDocument: allowPolicy }));
    const authorizer: AuthorizerModel = { ...functionAuthorizer, identitySource: ['route.request.header.Auth', 'route.request.querystring.token'] };
    const outcome = await authorizeConnect(input(invoker, { authorizer }));
    expect(outcome).toMatchObject({ allowed: false, statusCode: 401, reason: expect.stringContaining('route.request.querystring.token') });
    expect(invoker.calls).toHaveLength(0);
  });

  it('answers 403 on Deny and on a policy for another resource', async () => {
    const denied = await authorizeConnect(
      input(recordingInvoker(ok({ principalId: 'me', policyDocument: { Statement: [{ ...allowPolicy.Statement[0], Effect: 'Deny' }] } }))),
    );
    expect(denied).toMatchObject({ allowed: false, statusCode: 403, principalId: 'me' });
    const elsewhere = await authorizeConnect(
      input(recordingInvoker(ok({ principalId: 'me', policyDocument: { Statement: [{ ...allowPolicy.Statement[0], Resource: 'arn:x' }] } }))),
    );
    expect(elsewhere).toMatchObject({ allowed: false, statusCode: 403 });
  });

  it('answers 401 on an Unauthorized error and 500 on any other failure', async () => {
    expect(await authorizeConnect(input(recordingInvoker(fail('error', 'Unauthorized'))))).toMatchObject({ allowed: false, statusCode: 401 });
    expect(await authorizeConnect(input(recordingInvoker(fail('error', 'boom'))))).toMatchObject({
      allowed: false,
      statusCode: 500,
      reason: expect.stringContaining('boom'),
    });
    expect(await authorizeConnect(input(recordingInvoker(fail('timeout', 'Task timed out'))))).toMatchObject({ statusCode: 500 });
    expect(await authorizeConnect(input(recordingInvoker(fail('crash', 'Unauthorized'))))).toMatchObject({ statusCode: 500 });
  });

  it('answers 500 on an invalid result', async () => {
    const outcome = await authorizeConnect(input(recordingInvoker(ok({ policyDocument: allowPolicy }))));
    expect(outcome).toMatchObject({ allowed: false, statusCode: 500, reason: expect.stringContaining('principalId') });
  });

  it('answers 500 with the mapping hint for an unmapped ARN, without invoking', async () => {
    const invoker = recordingInvoker(ok({ principalId: 'me', policyDocument: allowPolicy }));
    const arn = 'arn:aws:lambda:us-east-1:111111111111:function:elsewhere';
    const authorizer: AuthorizerModel = { kind: 'arn', arn, name: 'elsewhere', identitySource: ['route.request.header.Auth'] };
    const outcome = await authorizeConnect(input(invoker, { authorizer }));
    expect(outcome).toMatchObject({ allowed: false, statusCode: 500, reason: expect.stringContaining('custom: { wsgate: { authorizers') });
    expect(invoker.calls).toHaveLength(0);
  });
});
