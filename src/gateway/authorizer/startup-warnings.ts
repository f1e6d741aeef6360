import type { AuthorizerModel, ServiceModel } from '../../config/model.js';
import { parseIdentitySource } from './identity-source.js';
import { resolveAuthorizerFunction } from './resolve-authorizer-function.js';

/** Warnings to print when `wsgate dev` starts: authorizers that would refuse every connection locally. */
export function collectAuthorizerWarnings(model: ServiceModel): string[] {
  const warnings: string[] = [];
  const seen = new Set<AuthorizerModel>();
  for (const route of model.websocket.routes) {
    const authorizer = route.authorizer;
    if (!authorizer || seen.has(authorizer)) continue;
    seen.add(authorizer);
    const where = `${route.configPath}.authorizer`;

    const resolved = resolveAuthorizerFunction(authorizer, model);
    if (!resolved.ok) {
      warnings.push(`${where}: ${resolved.reason}. Connections to ${route.routeKey} will be refused with 500. Fix: ${resolved.hint}.`);
    }
    for (const source of authorizer.identitySource) {
      const parsed = parseIdentitySource(source);
      if (!parsed) {
        warnings.push(
          `${where}.identitySource: "${source}" is not a supported identity source; every connection will get 401. ` +
            'Use route.request.header.<Name>, route.request.querystring.<Name>, stageVariables.<Name> or context.<Name>.',
        );
      } else if (parsed.kind === 'stageVariables') {
        warnings.push(
          `${where}.identitySource: "${source}" reads a stage variable; Serverless v3 defines no stage variables for the websocket stage, so every connection will get 401.`,
        );
      }
    }
  }
  return warnings;
}
