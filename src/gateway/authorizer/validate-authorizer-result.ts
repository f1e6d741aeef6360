import { readPolicyStatements } from './evaluate-policy.js';

/** API Gateway's limit on a Lambda authorizer's response. */
export const AUTHORIZER_RESULT_LIMIT_BYTES = 8 * 1024;

export type AuthorizerContextValue = string | number | boolean;

export type AuthorizerResultCheck =
  | {
      ok: true;
      principalId: string;
      statements: Record<string, unknown>[];
      context: Record<string, AuthorizerContextValue>;
    }
  | { ok: false; reason: string };

/** Checks what an authorizer returned against the output API Gateway accepts; anything else is a 500. */
export function validateAuthorizerResult(result: unknown): AuthorizerResultCheck {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    return { ok: false, reason: `the authorizer returned ${describe(result)} instead of an object with principalId and policyDocument` };
  }
  const size = Buffer.byteLength(JSON.stringify(result), 'utf8');
  if (size > AUTHORIZER_RESULT_LIMIT_BYTES) {
    return { ok: false, reason: `the authorizer result is ${size} bytes, over the ${AUTHORIZER_RESULT_LIMIT_BYTES}-byte limit` };
  }
  const { principalId, policyDocument, context } = result as Record<string, unknown>;
  if (typeof principalId !== 'string' || principalId === '') {
    return { ok: false, reason: 'the authorizer result has no principalId (a non-empty string is required)' };
  }
  const policy = readPolicyStatements(policyDocument);
  if (!policy.ok) return { ok: false, reason: `the authorizer result is invalid: ${policy.reason}` };

  const checkedContext: Record<string, AuthorizerContextValue> = {};
  if (context !== undefined && context !== null) {
    if (typeof context !== 'object' || Array.isArray(context)) {
      return { ok: false, reason: 'the authorizer result context must be an object' };
    }
    for (const [key, value] of Object.entries(context)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return {
          ok: false,
          reason: `the authorizer result context.${key} is ${describe(value)}; context values must be strings, numbers or booleans`,
        };
      }
      checkedContext[key] = value;
    }
  }
  return { ok: true, principalId, statements: policy.statements, context: checkedContext };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}
