import type { AuthorizerModel } from '../../config/model.js';
import type { Invoker } from '../../runtime/invoker.js';

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
    };

/** Placeholder until the authorizer module lands: refuses every connection to a route with an authorizer. */
export async function authorizeConnect(_input: AuthorizeConnectInput): Promise<AuthorizeConnectOutcome> {
  return { allowed: false, statusCode: 500, reason: 'authorizers are not implemented yet' };
}
