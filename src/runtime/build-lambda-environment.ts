import { randomBytes } from 'node:crypto';
import type { FunctionModel, ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { layerEnvironment } from './layer-environment.js';

/** Variables of the developer's shell a handler process still gets; everything else stays out, as in Lambda. */
export const PASSED_THROUGH_VARIABLES = ['PATH', 'TMPDIR', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT'] as const;

/** Local stand-ins, so AWS SDK clients can sign requests without the developer's real credentials. */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIAWSGATELOCALACCESS',
  AWS_SECRET_ACCESS_KEY: 'wsgate/local/secret/access/key/not/a/real/one',
  AWS_SESSION_TOKEN: 'wsgate-local-session-token',
} as const;

export interface FunctionEnvironment {
  /** The environment of every instance of the function, but the per-instance log stream name. */
  env: Record<string, string>;
  /** One warning per variable whose value is a CloudFormation intrinsic (it cannot be resolved locally). */
  warnings: ErrorDetail[];
}

/** Lambda's log stream name of an execution environment: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function createLogStreamName(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * The environment AWS gives a Node.js function, then `provider.environment` and the function's own
 * (already merged in the model), then the invoker's extra variables.
 */
export function buildFunctionEnvironment(
  model: ServiceModel,
  fn: FunctionModel,
  extra: Readonly<Record<string, string>> = {},
  parentEnv: Readonly<Record<string, string | undefined>> = process.env,
): FunctionEnvironment {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH_VARIABLES) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
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
  for (const [name, value] of Object.entries(fn.environment)) {
    const raw: unknown = value;
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      env[name] = String(raw);
    } else if (raw !== null && typeof raw === 'object') {
      warnings.push({
        code: 'RUNTIME_ENVIRONMENT_INTRINSIC',
        message: `environment variable ${name} of function '${fn.key}' is a CloudFormation intrinsic (${Object.keys(raw).join(', ')}); it is left unset locally`,
        path: model.provider.environment[name] === value ? `provider.environment.${name}` : `${fn.configPath}.environment.${name}`,
        location: { file: model.configFile },
        hint: `Give ${name} a plain value for local runs, e.g. with \${env:${name}, <value>} or a stage-specific variable.`,
      });
    }
  }
  Object.assign(env, extra);
  return { env, warnings };
}
