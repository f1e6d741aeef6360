import type { AuthorizerModel, ServiceModel } from '../../config/model.js';
import type { ErrorDetail } from '../../errors.js';
import { parseIdentitySource } from './identity-source.js';
import { resolveAuthorizerFunction } from './resolve-authorizer-function.js';

/** Warnings to print when `wsgate dev` starts: authorizers that would refuse every connection locally. */
export function collectAuthorizerWarnings(model: ServiceModel): ErrorDetail[] {
  const warnings: ErrorDetail[] = [];
  const seen = new Set<AuthorizerModel>();
  for (const route of model.websocket.routes) {
    const authorizer = route.authorizer;
    if (!authorizer || seen.has(authorizer)) continue;
    seen.add(authorizer);
    const where = `${route.configPath}.authorizer`;
    const location = { file: model.configFile };

    const resolved = resolveAuthorizerFunction(authorizer, model);
    if (!resolved.ok) {
      warnings.push({
        code: 'AUTHORIZER_NOT_RUNNABLE',
        message: `${resolved.reason}: connections to ${route.routeKey} will be refused with 500`,
        path: where,
        location,
        hint: `${resolved.hint}.`,
      });
    }
    const path = `${where}.identitySource`;
    for (const source of authorizer.identitySource) {
      const parsed = parseIdentitySource(source);
      if (!parsed) {
        warnings.push({
          code: 'AUTHORIZER_UNSUPPORTED_IDENTITY_SOURCE',
          message: `"${source}" is not a supported identity source: every connection will get 401`,
          path,
          location,
          hint: 'Use route.request.header.<Name>, route.request.querystring.<Name>, stageVariables.<Name> or context.<Name>.',
        });
      } else if (parsed.kind === 'stageVariables') {
        warnings.push({
          code: 'AUTHORIZER_STAGE_VARIABLE_SOURCE',
          message: `"${source}" reads a stage variable; Serverless v3 defines no stage variables for the websocket stage, so every connection will get 401`,
          path,
          location,
        });
      }
    }
  }
  return warnings;
}
