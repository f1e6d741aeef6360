import { randomUUID } from 'node:crypto';
import type { AuthorizerModel } from '../../config/model.js';
import type { Invoker } from '../../runtime/invoker.js';
import { buildAuthorizerEvent } from './build-authorizer-event.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { checkIdentitySources } from './identity-source.js';
import { resolveAuthorizerFunction, type AuthorizerService } from './resolve-authorizer-function.js';
import { validateAuthorizerResult } from './validate-authorizer-result.js';


/**
 * Contract between the handshake (which calls it before `$connect`) and the authorizer module.
 * The handshake passes the CONNECT event it built (without `requestContext.authorizer`) and the raw
 * request headers; the authorizer module builds the REQUEST authorizer event from them.
 */
export interface AuthorizeConnectInput {
  authorizer: AuthorizerModel;
  /** The CONNECT event as it will go to `$connect` (headers, multiValueHeaders, query strings, requestContext). */
  connectEvent: Record<string, any>;
  /** Raw request headers as name/value pairs in arrival order (rawHeaders of node:http). */
  rawHeaders: readonly string[];
  region: string;
  accountId: string;
  invoker: Invoker;
  /** API Gateway's integration timeout, which also bounds a Lambda authorizer (the gateway's `integrationTimeoutMs`). */
  deadlineMs: number;
  /**
   * The service (its `functions` and `custom`), needed to run an ARN authorizer through its local mapping
   * in `custom.wsgate.authorizers`. Without it an ARN authorizer refuses every connection with 500.
   */
  service?: AuthorizerService;
}

export type AuthorizeConnectOutcome =
  | {
      allowed: true;
      /** What goes to `requestContext.authorizer` on later events: the context keys and `principalId`. */
      authorizer: Record<string, string | number | boolean>;
      /** Milliseconds the authorizer took (CONNECT gets it as `integrationLatency`). */
      integrationLatency: number;
    }
  | {
      allowed: false;
      statusCode: 401 | 403 | 500;
      /** Why, for the dev log. */
      reason: string;
      /** Milliseconds the authorizer took, when it ran. */
      integrationLatency?: number;
      /** The principal the authorizer returned, when it returned a valid result (a Deny). */
      principalId?: string;
    };

/** The identity-source check, the authorizer invocation and the policy decision for one `$connect`. */
export async function authorizeConnect(input: AuthorizeConnectInput): Promise<AuthorizeConnectOutcome> {
  const { authorizer } = input;
  const event = buildAuthorizerEvent(input);

  const sources = checkIdentitySources(authorizer.identitySource, event);
  if (!sources.ok) return { allowed: false, statusCode: 401, reason: `Unauthorized: ${sources.reason}; the authorizer was not invoked` };

  const target = input.service
    ? resolveAuthorizerFunction(authorizer, input.service)
    : authorizer.kind === 'function'
      ? ({ ok: true, functionKey: authorizer.functionKey } as const)
      : ({ ok: false, reason: `authorizer "${authorizer.name}" is an ARN and no local mapping was given`, hint: 'map it in custom.wsgate.authorizers' } as const);
  if (!target.ok) return { allowed: false, statusCode: 500, reason: `${target.reason}; ${target.hint}` };

  const started = performance.now();
  const result = await input.invoker.invoke(target.functionKey, event, {
    awsRequestId: randomUUID(),
    deadlineMs: input.deadlineMs,
  });
  const integrationLatency = Math.round(performance.now() - started);
  const label = `authorizer "${authorizer.name}" (function ${target.functionKey})`;

  if (!result.ok) {
    if (result.kind === 'error' && result.error.errorMessage === 'Unauthorized') {
      return { allowed: false, statusCode: 401, reason: `Unauthorized: ${label} rejected the request`, integrationLatency };
    }
    const what = result.kind === 'error' ? 'failed' : result.kind === 'timeout' ? 'timed out' : result.kind === 'crash' ? 'crashed' : 'could not start';
    return {
      allowed: false,
      statusCode: 500,
      reason: `${label} ${what}: ${result.error.errorType}: ${result.error.errorMessage}`,
      integrationLatency,
    };
  }

  const checked = validateAuthorizerResult(result.value);
  if (!checked.ok) return { allowed: false, statusCode: 500, reason: `${label}: ${checked.reason}`, integrationLatency };

  const decision = evaluatePolicy(checked.statements, event.methodArn);
  if (decision.effect === 'Deny') {
    return {
      allowed: false,
      statusCode: 403,
      reason: `Forbidden: ${label} returned principal "${checked.principalId}" but ${decision.reason}`,
      integrationLatency,
      principalId: checked.principalId,
    };
  }
  return { allowed: true, authorizer: { ...checked.context, principalId: checked.principalId }, integrationLatency };
}
