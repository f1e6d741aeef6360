import { LOCAL_ACCOUNT_ID } from '../../../gateway/ids.js';
import { DEPLOYMENT_BUCKET_ID, DEPLOYMENT_BUCKET_OUTPUT_ID, WEBSOCKETS_API_ID, WEBSOCKETS_ENDPOINT_OUTPUT_ID, lambdaVersionOutputId } from '../../../compile/naming.js';
import { isRecord } from '../../is-record.js';
import { DeployTimeValue, type VariableSourceContext } from '../source.js';

/** v3's stack name: `provider.stackName`, else `{service}-{stage}`. */
export async function ownStackName(ctx: VariableSourceContext): Promise<string> {
  const stackName = await ctx.resolveConfigValue(['provider', 'stackName']);
  if (typeof stackName === 'string' && stackName !== '') return stackName;
  return `${String(await ctx.resolveConfigValue(['service']))}-${await ctx.resolveStage()}`;
}

export interface OwnOutput {
  value?: unknown;
  /** Why there is no value, when there is none. */
  why?: string;
}

/**
 * An output of the service's own stack as wsgate writes it. `dev`: the local equivalent (the gateway's
 * `wss://` URL, a local bucket name, `$LATEST` function ARNs of the local account; a `resources.Outputs` value
 * that is plain text). `package`: the output's own CloudFormation value where it is known before packaging.
 */
export async function ownStackOutput(outputId: string, ctx: VariableSourceContext): Promise<OwnOutput> {
  if (outputId === WEBSOCKETS_ENDPOINT_OUTPUT_ID) return websocketEndpoint(ctx);
  if (outputId === DEPLOYMENT_BUCKET_OUTPUT_ID) return deploymentBucketName(ctx);
  const functionKey = await functionOfVersionOutput(outputId, ctx);
  if (functionKey !== undefined) return functionQualifiedArn(functionKey, ctx);
  const declared = await declaredOutputValue(outputId, ctx);
  if (typeof declared === 'string' || typeof declared === 'number') return { value: declared };
  if (declared !== undefined && ctx.mode === 'package') return { value: new DeployTimeValue(declared as Record<string, unknown>) };
  if (declared !== undefined) return { why: `the service's output "${outputId}" is a CloudFormation expression, known only once deployed` };
  return { why: `"${outputId}" is neither an output wsgate derives (${WEBSOCKETS_ENDPOINT_OUTPUT_ID}, ${DEPLOYMENT_BUCKET_OUTPUT_ID}, <Function>LambdaFunctionQualifiedArn) nor one of resources.Outputs` };
}

async function websocketEndpoint(ctx: VariableSourceContext): Promise<OwnOutput> {
  const stage = await ctx.resolveStage();
  if (ctx.mode === 'package') {
    const externalApiId = await ctx.resolveConfigValue(['provider', 'apiGateway', 'websocketApiId']);
    return {
      value: new DeployTimeValue({
        'Fn::Join': ['', ['wss://', externalApiId ?? { Ref: WEBSOCKETS_API_ID }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/${stage}`]],
      }),
    };
  }
  const { host, port } = ctx.gatewayEndpoint;
  if (port === 0) return { why: 'the gateway port is chosen when it listens (port 0); give the gateway a fixed port' };
  // TLS is served on the same port, so the URL works as on AWS, `https://` for @connections included.
  return { value: `wss://${host}:${port}/${stage}` };
}

async function deploymentBucketName(ctx: VariableSourceContext): Promise<OwnOutput> {
  const bucket = await ctx.resolveConfigValue(['provider', 'deploymentBucket']);
  const named = typeof bucket === 'string' ? bucket : isRecord(bucket) && typeof bucket.name === 'string' ? bucket.name : undefined;
  if (named) return { value: named };
  if (ctx.mode === 'package') return { value: new DeployTimeValue({ Ref: DEPLOYMENT_BUCKET_ID }) };
  // CloudFormation names it `{stack}-serverlessdeploymentbucket-{random}`; nothing local stands behind it.
  return { value: `${(await ownStackName(ctx)).toLowerCase()}-serverlessdeploymentbucket-local` };
}

async function functionOfVersionOutput(outputId: string, ctx: VariableSourceContext): Promise<string | undefined> {
  if (!outputId.endsWith('LambdaFunctionQualifiedArn')) return undefined;
  const keys = (await ctx.resolveConfigKeys(['functions'])) ?? [];
  return keys.find((key) => lambdaVersionOutputId(key) === outputId);
}

async function functionQualifiedArn(functionKey: string, ctx: VariableSourceContext): Promise<OwnOutput> {
  if (ctx.mode === 'package') {
    return { why: 'the version it names is created by the deployment (its logical id holds a hash of the code)' };
  }
  const name = await ctx.resolveConfigValue(['functions', functionKey, 'name']);
  const functionName = typeof name === 'string' ? name : `${String(await ctx.resolveConfigValue(['service']))}-${await ctx.resolveStage()}-${functionKey}`;
  return { value: `arn:aws:lambda:${await ctx.resolveRegion()}:${LOCAL_ACCOUNT_ID}:function:${functionName}:$LATEST` };
}

/** `resources.Outputs.<id>.Value` (resources as an object or a list of them, as v3 merges them). */
async function declaredOutputValue(outputId: string, ctx: VariableSourceContext): Promise<unknown> {
  const resources = await ctx.resolveConfigKeys(['resources']);
  if (resources === undefined) {
    const list = await ctx.resolveConfigValue(['resources']);
    if (!Array.isArray(list)) return undefined;
    for (const part of [...list].reverse()) {
      const value = isRecord(part) && isRecord(part.Outputs) && isRecord(part.Outputs[outputId]) ? part.Outputs[outputId].Value : undefined;
      if (value !== undefined) return value;
    }
    return undefined;
  }
  const outputs = await ctx.resolveConfigKeys(['resources', 'Outputs']);
  if (!outputs?.includes(outputId)) return undefined;
  return ctx.resolveConfigValue(['resources', 'Outputs', outputId, 'Value']);
}
