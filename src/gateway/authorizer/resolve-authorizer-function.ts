import { lambdaFunctionId } from '../../compile/naming.js';
import type { AuthorizerModel, CfnValue, ServiceModel } from '../../config/model.js';

/** Where users map an authorizer that is not a function of the service to a local one. */
export const AUTHORIZER_MAPPING_PATH = 'custom.wsgate.authorizers';

export type AuthorizerService = Pick<ServiceModel, 'custom' | 'functions'>;

export type AuthorizerFunctionResolution = { ok: true; functionKey: string } | { ok: false; reason: string; hint: string };

/**
 * Which local function runs an authorizer: the function itself for a function authorizer; for an ARN,
 * the function of this service it names, else the mapping under `custom.wsgate.authorizers`
 * (keyed by the ARN or by the authorizer's name).
 */
export function resolveAuthorizerFunction(authorizer: AuthorizerModel, service: AuthorizerService): AuthorizerFunctionResolution {
  if (authorizer.kind === 'function') {
    if (service.functions.has(authorizer.functionKey)) return { ok: true, functionKey: authorizer.functionKey };
    return {
      ok: false,
      reason: `authorizer function "${authorizer.functionKey}" is not a function of this service`,
      hint: `declare "${authorizer.functionKey}" under functions`,
    };
  }
  const arnText = describeArn(authorizer.arn);
  const mapping = readMapping(service.custom);
  const mapped = (typeof authorizer.arn === 'string' ? mapping[authorizer.arn] : undefined) ?? mapping[authorizer.name];
  if (mapped !== undefined) {
    if (typeof mapped === 'string' && service.functions.has(mapped)) return { ok: true, functionKey: mapped };
    return {
      ok: false,
      reason: `${AUTHORIZER_MAPPING_PATH} maps authorizer "${authorizer.name}" to ${JSON.stringify(mapped)}, which is not a function of this service`,
      hint: `set it to one of: ${[...service.functions.keys()].join(', ') || '(no functions)'}`,
    };
  }
  const own = findOwnFunction(authorizer.arn, service);
  if (own) return { ok: true, functionKey: own };
  const key = typeof authorizer.arn === 'string' ? authorizer.arn : authorizer.name;
  return {
    ok: false,
    reason: `authorizer "${authorizer.name}" (${arnText}) is not a function of this service and cannot run locally`,
    hint: `map it to a local function in serverless.yml: custom: { wsgate: { authorizers: { ${JSON.stringify(key)}: <functionKey> } } }`,
  };
}

function readMapping(custom: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const wsgate = custom.wsgate;
  if (wsgate === null || typeof wsgate !== 'object') return {};
  const authorizers = (wsgate as Record<string, unknown>).authorizers;
  if (authorizers === null || typeof authorizers !== 'object' || Array.isArray(authorizers)) return {};
  return authorizers as Record<string, unknown>;
}

// `arn:aws:lambda:region:account:function:name[:alias]` whose name is a deployed name of this service,
// or `Fn::GetAtt: [<Fn>LambdaFunction, Arn]` of one of its functions.
function findOwnFunction(arn: CfnValue, service: AuthorizerService): string | undefined {
  if (typeof arn === 'string') {
    const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(arn);
    if (!match) return undefined;
    for (const fn of service.functions.values()) if (fn.name === match[1]) return fn.key;
    return undefined;
  }
  const getAtt = arn['Fn::GetAtt'];
  const logicalId = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
  if (typeof logicalId !== 'string') return undefined;
  for (const key of service.functions.keys()) if (lambdaFunctionId(key) === logicalId) return key;
  return undefined;
}

export function describeArn(arn: CfnValue): string {
  return typeof arn === 'string' ? arn : JSON.stringify(arn);
}
