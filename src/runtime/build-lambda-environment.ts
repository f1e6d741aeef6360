import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { evaluateIntrinsics, NO_VALUE, type IntrinsicScope } from '../config/intrinsics/evaluate-intrinsics.js';
import { isRecord } from '../config/is-record.js';
import type { FunctionModel, ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { applyHostRedirect, type HostRedirect } from './host-redirect.js';
import { layerEnvironment } from './layer-environment.js';

/** Variables of the developer's shell a handler process still gets; everything else stays out, as in Lambda. */
export const PASSED_THROUGH_VARIABLES = ['PATH', 'TMPDIR', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT'] as const;

/** Also passed through: the AWS SDKs' endpoint settings (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB`…), to point handlers at local services. */
export const PASSED_THROUGH_PATTERN = /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/;

/** Where every function's extra local variables are set in serverless.yml. */
export const CUSTOM_ENVIRONMENT_PATH = 'custom.wsgate.environment';

/** Local stand-ins, so AWS SDK clients can sign requests without the developer's real credentials. */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIAWSGATELOCALACCESS',
  AWS_SECRET_ACCESS_KEY: 'wsgate/local/secret/access/key/not/a/real/one',
  AWS_SESSION_TOKEN: 'wsgate-local-session-token',
} as const;

export interface EnvironmentContext {
  /** Evaluates CloudFormation intrinsics in `environment` (see `createServiceScope`); without it they are left unset. */
  scope?: IntrinsicScope;
  /** Host names handler processes reach the gateway by. */
  hostRedirect?: HostRedirect;
}

export interface FunctionEnvironment {
  /** The environment of every instance of the function, but the per-instance log stream name. */
  env: Record<string, string>;
  /** One warning per variable whose value is a CloudFormation intrinsic that cannot be evaluated locally. */
  warnings: ErrorDetail[];
}

/** Lambda's log stream name of an execution environment: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function createLogStreamName(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * The shell's passed-through variables, then the environment AWS gives a function, then `provider.environment`
 * and the function's own (already merged in the model; intrinsics evaluated), then `custom.wsgate.environment`,
 * then the invoker's extra variables (`--env`, the gateway's own), then the host redirect.
 */
export function buildFunctionEnvironment(
  model: ServiceModel,
  fn: FunctionModel,
  extra: Readonly<Record<string, string>> = {},
  parentEnv: Readonly<Record<string, string | undefined>> = process.env,
  context: EnvironmentContext = {},
): FunctionEnvironment {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value !== undefined && ((PASSED_THROUGH_VARIABLES as readonly string[]).includes(name) || PASSED_THROUGH_PATTERN.test(name))) env[name] = value;
  }
  Object.assign(env, {
    AWS_REGION: model.region,
    AWS_DEFAULT_REGION: model.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    LAMBDA_TASK_ROOT: model.serviceDir,
    _HANDLER: fn.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    ...LOCAL_CREDENTIALS,
  });
  Object.assign(env, layerEnvironment(fn, env));
  const warnings: ErrorDetail[] = [];
  const assign = (name: string, raw: unknown, path: string) => {
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      env[name] = String(raw);
      return;
    }
    if (raw === null || typeof raw !== 'object') return;
    const evaluated = context.scope ? evaluateIntrinsics(raw, context.scope) : undefined;
    if (evaluated?.ok && evaluated.value === NO_VALUE) return;
    if (evaluated?.ok && ['string', 'number', 'boolean'].includes(typeof evaluated.value)) {
      env[name] = String(evaluated.value);
      return;
    }
    const why = !evaluated ? '' : evaluated.ok ? ': it does not evaluate to text' : `: ${evaluated.reason}`;
    warnings.push({
      code: 'RUNTIME_ENVIRONMENT_INTRINSIC',
      message: `environment variable ${name} of function '${fn.key}' is a CloudFormation intrinsic (${evaluated && !evaluated.ok ? evaluated.intrinsic : Object.keys(raw).join(', ')}) that cannot be evaluated locally${why}; it is left unset`,
      path,
      location: { file: model.configFile },
      hint: `Give ${name} a plain value for local runs, e.g. with \${env:${name}, <value>}, or set it in ${CUSTOM_ENVIRONMENT_PATH}.`,
    });
  };
  for (const [name, value] of Object.entries(fn.environment)) {
    assign(name, value, model.provider.environment[name] === value ? `provider.environment.${name}` : `${fn.configPath}.environment.${name}`);
  }
  const wsgate = isRecord(model.custom?.wsgate) ? model.custom.wsgate : {};
  if (isRecord(wsgate.environment)) {
    for (const [name, value] of Object.entries(wsgate.environment)) {
      delete env[name];
      assign(name, value, `${CUSTOM_ENVIRONMENT_PATH}.${name}`);
    }
  }
  for (const [name, value] of Object.entries(extra)) env[name] = combineListVariable(name, value, env[name]);
  if (context.hostRedirect) applyHostRedirect(env, context.hostRedirect);
  return { env, warnings };
}

/**
 * Extra NODE_OPTIONS and PYTHONPATH (the embedded services' SDK preloads, `--env`) come before what the function
 * already has (its layers, its own options) instead of replacing it; any other variable is replaced.
 */
function combineListVariable(name: string, value: string, current: string | undefined): string {
  if (!current || current === value) return value;
  if (name === 'NODE_OPTIONS') return `${value} ${current}`;
  if (name === 'PYTHONPATH') return `${value}${path.delimiter}${current}`;
  return value;
}
