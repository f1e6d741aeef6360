/**
 * IAM evaluation of an authorizer's policy document against the `$connect` method ARN: an explicit Deny
 * wins, then any Allow whose Action and Resource match; nothing matching is an implicit deny.
 */

export type PolicyDecision =
  | { effect: 'Allow' }
  | { effect: 'Deny'; reason: string };

export type PolicyShapeCheck = { ok: true; statements: Record<string, unknown>[] } | { ok: false; reason: string };

const INVOKE_ACTION = 'execute-api:Invoke';

/** Checks the shape API Gateway requires: `policyDocument.Statement` as an object or a list of objects. */
export function readPolicyStatements(policyDocument: unknown): PolicyShapeCheck {
  if (policyDocument === null || typeof policyDocument !== 'object' || Array.isArray(policyDocument)) {
    return { ok: false, reason: 'policyDocument is missing or not an object' };
  }
  const statement = (policyDocument as Record<string, unknown>).Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined ? undefined : [statement];
  if (!list || list.some((item) => item === null || typeof item !== 'object' || Array.isArray(item))) {
    return { ok: false, reason: 'policyDocument.Statement must be an object or a list of objects' };
  }
  return { ok: true, statements: list as Record<string, unknown>[] };
}

export function evaluatePolicy(statements: readonly Record<string, unknown>[], methodArn: string): PolicyDecision {
  let allowed = false;
  for (const [index, statement] of statements.entries()) {
    if (!statementApplies(statement, methodArn)) continue;
    if (statement.Effect === 'Deny') {
      return { effect: 'Deny', reason: `policy statement ${index} denies ${methodArn}` };
    }
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? { effect: 'Allow' } : { effect: 'Deny', reason: `no policy statement allows ${methodArn}` };
}

function statementApplies(statement: Record<string, unknown>, methodArn: string): boolean {
  const actionMatches =
    'Action' in statement
      ? toList(statement.Action).some((pattern) => matchesWildcard(pattern, INVOKE_ACTION, true))
      : 'NotAction' in statement && !toList(statement.NotAction).some((pattern) => matchesWildcard(pattern, INVOKE_ACTION, true));
  if (!actionMatches) return false;
  if ('Resource' in statement) return toList(statement.Resource).some((pattern) => matchesWildcard(pattern, methodArn, false));
  if ('NotResource' in statement) return !toList(statement.NotResource).some((pattern) => matchesWildcard(pattern, methodArn, false));
  return false;
}

function toList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string');
}

/**
 * IAM wildcards: `*` any run of characters (including `/` and `:`), `?` exactly one. Actions ignore case.
 * Matched without building a regular expression (one per statement and connect showed in profiles): greedy,
 * going back only to the last `*`, which is enough for `*` and `?` and never exponential.
 */
export function matchesWildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (ignoreCase) {
    pattern = pattern.toLowerCase();
    value = value.toLowerCase();
  }
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  let p = 0;
  let v = 0;
  let star = -1;
  let resumeAt = 0;
  while (v < value.length) {
    const char = pattern[p];
    if (char === '*') {
      star = p++;
      resumeAt = v;
    } else if (char !== undefined && (char === '?' || char === value[v])) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
