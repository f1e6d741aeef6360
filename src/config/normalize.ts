import { normalizeServiceLayers, withLayers } from './normalize-layers.js';
import path from 'node:path';
import {
  DEFAULT_IDENTITY_SOURCE,
  DEFAULT_ROUTE_SELECTION_EXPRESSION,
  DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT,
  DEFAULT_WEBSOCKETS_DESCRIPTION,
  type AuthorizerModel,
  type CfnValue,
  type DeploymentBucketModel,
  type FunctionModel,
  type FunctionPackageModel,
  type PackageModel,
  type ProviderModel,
  type ResourcesModel,
  type RouteModel,
  type ServiceModel,
  type WebsocketLogsModel,
  type WebsocketModel,
} from './model.js';
import { DEFAULT_DEPLOYMENT_PREFIX, DEFAULT_MEMORY_SIZE, DEFAULT_RUNTIME, DEFAULT_TIMEOUT } from './defaults.js';
import { isRecord, type Dict } from './is-record.js';
import { normalizeStreamEvent } from './normalize-stream-event.js';
import type { StreamEventModel } from './model.js';

export interface NormalizeContext {
  configFile: string;
  stage: string;
  region: string;
}

/**
 * Turns a resolved and validated configuration into the read-only ServiceModel.
 * Validation has already rejected what cannot be normalized; this only applies Serverless v3's defaults.
 */
export function normalizeService(config: Dict, ctx: NormalizeContext): ServiceModel {
  const service = String(config.service);
  const providerConfig = asDict(config.provider);
  const provider = normalizeProvider(providerConfig);
  const functionsConfig = asDict(config.functions);

  const layers = normalizeServiceLayers(config.layers, path.dirname(ctx.configFile));
  const functions = new Map<string, FunctionModel>();
  const routes: RouteModel[] = [];
  const authorizers = new Map<string, AuthorizerModel>();
  const streamEvents: StreamEventModel[] = [];
  for (const [key, raw] of Object.entries(functionsConfig)) {
    if (raw === null) continue; // an empty function entry is dropped, as Serverless does
    const fn = asDict(raw);
    const routeKeys: string[] = [];
    const events = Array.isArray(fn.events) ? fn.events : [];
    events.forEach((event, i) => {
      if (isRecord(event) && event.stream !== undefined) streamEvents.push(normalizeStreamEvent(event.stream, key, `functions.${key}.events[${i}].stream`));
      if (!isRecord(event) || event.websocket === undefined) return;
      const route = normalizeRoute(event.websocket, key, `functions.${key}.events[${i}].websocket`);
      routes.push(route);
      routeKeys.push(route.routeKey);
      if (route.authorizer && !authorizers.has(route.authorizer.name)) {
        authorizers.set(route.authorizer.name, route.authorizer);
      }
    });
    const normalized = normalizeFunction(key, fn, service, ctx.stage, provider, providerConfig, routeKeys);
    functions.set(key, withLayers(normalized, fn, providerConfig, layers, asDict(config.custom), path.dirname(ctx.configFile)));
  }

  const websocket: WebsocketModel = freeze({
    apiName:
      typeof providerConfig.websocketsApiName === 'string'
        ? providerConfig.websocketsApiName
        : `${ctx.stage}-${service}-websockets`,
    routeSelectionExpression: stringOr(
      providerConfig.websocketsApiRouteSelectionExpression,
      DEFAULT_ROUTE_SELECTION_EXPRESSION,
    ),
    description: stringOr(providerConfig.websocketsDescription, DEFAULT_WEBSOCKETS_DESCRIPTION),
    useProviderTags: asDict(providerConfig.websocket).useProviderTags === true,
    externalApiId: asDict(providerConfig.apiGateway).websocketApiId as CfnValue | undefined,
    routes: freeze(routes),
    authorizers,
    logs: normalizeLogs(asDict(providerConfig.logs).websocket, service, ctx.stage),
  });

  return freeze({
    service,
    serviceDir: path.dirname(ctx.configFile),
    configFile: ctx.configFile,
    frameworkVersion: config.frameworkVersion === undefined ? undefined : String(config.frameworkVersion),
    stage: ctx.stage,
    region: ctx.region,
    provider,
    functions,
    websocket,
    package: normalizePackage(asDict(config.package), config.useDotenv === true),
    resources: normalizeResources(config.resources),
    custom: freeze({ ...asDict(config.custom) }),
    plugins: freeze(normalizePlugins(config.plugins)),
    ...(streamEvents.length > 0 ? { streamEvents: freeze(streamEvents) } : {}),
    layers,
  });
}

function normalizeProvider(p: Dict): ProviderModel {
  const iam = asDict(p.iam);
  const role = iam.role;
  const roleIsConfig = isRecord(role) && !isIntrinsic(role);
  const roleConfig = roleIsConfig ? role : {};
  const existingRole = role !== undefined && !roleIsConfig ? (role as CfnValue) : (p.role as CfnValue | undefined);
  const logs = asDict(p.logs);
  const restApiLogs = asDict(logs.restApi);
  return freeze({
    name: 'aws',
    runtime: stringOr(p.runtime, DEFAULT_RUNTIME),
    memorySize: numberOr(p.memorySize, DEFAULT_MEMORY_SIZE),
    timeout: numberOr(p.timeout, DEFAULT_TIMEOUT),
    environment: normalizeEnvironment(p.environment),
    tags: normalizeTags(p.tags),
    stackTags: normalizeTags(p.stackTags),
    iamRoleStatements: freeze([...arrayOr(roleConfig.statements, arrayOr(p.iamRoleStatements, []))]),
    iamRole: existingRole,
    iamManagedPolicies: freeze([...arrayOr(roleConfig.managedPolicies, arrayOr(p.iamManagedPolicies, []))]),
    deploymentBucket: normalizeDeploymentBucket(p.deploymentBucket),
    deploymentPrefix: stringOr(p.deploymentPrefix, DEFAULT_DEPLOYMENT_PREFIX),
    logRetentionInDays: p.logRetentionInDays === undefined ? undefined : numberOr(p.logRetentionInDays, 0),
    logDataProtectionPolicy: p.logDataProtectionPolicy,
    restApiLogsRole: restApiLogs.role as CfnValue | undefined,
    restApiLogsRoleManagedExternally: restApiLogs.roleManagedExternally === true,
    versionFunctions: p.versionFunctions !== false,
    architecture: p.architecture as ProviderModel['architecture'],
    stackName: typeof p.stackName === 'string' ? p.stackName : undefined,
  });
}

function normalizeFunction(
  key: string,
  fn: Dict,
  service: string,
  stage: string,
  provider: ProviderModel,
  providerConfig: Dict,
  websocketRouteKeys: string[],
): FunctionModel {
  return freeze({
    key,
    name: typeof fn.name === 'string' ? fn.name : `${service}-${stage}-${key}`,
    handler: String(fn.handler),
    runtime: stringOr(fn.runtime, provider.runtime),
    memorySize: numberOr(fn.memorySize, provider.memorySize),
    timeout: numberOr(fn.timeout, provider.timeout),
    description: typeof fn.description === 'string' ? fn.description : undefined,
    environment: freeze({ ...provider.environment, ...normalizeEnvironment(fn.environment) }),
    // Lambda tags are provider.tags overlaid with the function's own, as Serverless compiles them.
    tags: freeze({ ...normalizeTags(providerConfig.tags), ...normalizeTags(fn.tags) }),
    architecture: (fn.architecture ?? provider.architecture) as FunctionModel['architecture'],
    package: isRecord(fn.package) ? normalizeFunctionPackage(fn.package) : undefined,
    websocketRouteKeys: freeze(websocketRouteKeys),
    configPath: `functions.${key}`,
  });
}

/** Serverless v3 `validate.js` rules (spec §8.4): the kind is decided here, once. */
export function normalizeRoute(raw: unknown, functionKey: string, configPath: string): RouteModel {
  if (typeof raw === 'string') return freeze({ routeKey: raw, functionKey, configPath });
  const ws = asDict(raw);
  return freeze({
    routeKey: String(ws.route),
    functionKey,
    routeResponseSelectionExpression: ws.routeResponseSelectionExpression ? '$default' : undefined,
    authorizer: ws.authorizer === undefined ? undefined : normalizeAuthorizer(ws.authorizer),
    configPath,
  });
}

export function normalizeAuthorizer(raw: unknown): AuthorizerModel {
  const defaultSource = freeze([DEFAULT_IDENTITY_SOURCE]);
  if (typeof raw === 'string') {
    if (raw.includes(':')) return freeze({ kind: 'arn', arn: raw, name: lastSegment(raw), identitySource: defaultSource });
    return freeze({ kind: 'function', name: raw, functionKey: raw, identitySource: defaultSource });
  }
  const a = asDict(raw);
  const identitySource = Array.isArray(a.identitySource)
    ? freeze(a.identitySource.map(String))
    : typeof a.identitySource === 'string'
      ? freeze([a.identitySource])
      : defaultSource;
  if (a.arn !== undefined) {
    const arn = a.arn as CfnValue;
    // Serverless v3 names a string-ARN authorizer after the ARN, even when `name` is given.
    const name = typeof arn === 'string' ? lastSegment(arn) : typeof a.name === 'string' ? a.name : '';
    return freeze({ kind: 'arn', arn, name, identitySource });
  }
  const name = String(a.name);
  return freeze({ kind: 'function', name, functionKey: name, identitySource });
}

function normalizeLogs(raw: unknown, service: string, stage: string): WebsocketLogsModel | undefined {
  if (!raw) return undefined;
  const o = isRecord(raw) ? raw : {};
  return freeze({
    accessLogging: o.accessLogging !== false,
    executionLogging: o.executionLogging !== false,
    fullExecutionData: o.fullExecutionData !== false,
    level: o.level === 'ERROR' ? 'ERROR' : 'INFO',
    format: stringOr(o.format, DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT),
    logGroupName: `/aws/websocket/${service}-${stage}`,
  });
}

function normalizePackage(p: Dict, useDotenv: boolean): PackageModel {
  return freeze({
    patterns: freeze(includePatterns(p)),
    // v3 leaves .env files out only when it loads them.
    exclude: freeze([...stringList(p.exclude), ...(useDotenv ? ['.env*'] : [])]),
    individually: p.individually === true,
    excludeDevDependencies: p.excludeDevDependencies !== false,
    artifact: typeof p.artifact === 'string' ? p.artifact : undefined,
  });
}

function normalizeFunctionPackage(p: Dict): FunctionPackageModel {
  return freeze({
    patterns: freeze(includePatterns(p)),
    exclude: freeze(stringList(p.exclude)),
    individually: p.individually === true,
    artifact: typeof p.artifact === 'string' ? p.artifact : undefined,
  });
}

/** The legacy `include` then `patterns`, as v3 concatenates them. */
function includePatterns(p: Dict): string[] {
  return [...stringList(p.include), ...stringList(p.patterns)];
}

function stringList(v: unknown): string[] {
  return arrayOr(v, []).map(String);
}

function normalizeResources(raw: unknown): ResourcesModel {
  // `resources` may be a list of fragments (often `${file(...)}` includes): merged in order.
  const parts = Array.isArray(raw) ? raw.filter(isRecord) : isRecord(raw) ? [raw] : [];
  const out = { Resources: {} as Dict, Outputs: {} as Dict, Conditions: {} as Dict, extra: {} as Dict };
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      if (k === 'Resources' || k === 'Outputs' || k === 'Conditions') Object.assign(out[k], asDict(v));
      else if (isRecord(v) && isRecord(out.extra[k])) Object.assign(out.extra[k] as Dict, v);
      else out.extra[k] = v;
    }
  }
  return freeze(out);
}

function normalizePlugins(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (isRecord(raw) && Array.isArray(raw.modules)) return raw.modules.map(String);
  return [];
}

function normalizeDeploymentBucket(raw: unknown): DeploymentBucketModel | undefined {
  if (typeof raw === 'string') return freeze({ name: raw });
  if (!isRecord(raw)) return undefined;
  return freeze({
    name: typeof raw.name === 'string' ? raw.name : undefined,
    serverSideEncryption: typeof raw.serverSideEncryption === 'string' ? raw.serverSideEncryption : undefined,
    blockPublicAccess: typeof raw.blockPublicAccess === 'boolean' ? raw.blockPublicAccess : undefined,
    tags: raw.tags === undefined ? undefined : normalizeTags(raw.tags),
  });
}

/** Lambda wants string values: numbers and booleans are written as text, intrinsics kept. */
function normalizeEnvironment(raw: unknown): Readonly<Record<string, CfnValue>> {
  const out: Record<string, CfnValue> = {};
  for (const [k, v] of Object.entries(asDict(raw))) {
    if (v === null || v === undefined) continue;
    out[k] = isRecord(v) ? (v as CfnValue) : String(v);
  }
  return freeze(out);
}

function normalizeTags(raw: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asDict(raw))) if (v !== null && v !== undefined) out[k] = String(v);
  return freeze(out);
}

function isIntrinsic(v: Dict): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

function asDict(v: unknown): Dict {
  return isRecord(v) ? v : {};
}

function arrayOr(v: unknown, fallback: unknown[]): unknown[] {
  return Array.isArray(v) ? v : fallback;
}

function stringOr(v: unknown, fallback: string): string {
  return typeof v === 'string' && v !== '' ? v : fallback;
}

function numberOr(v: unknown, fallback: number): number {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : fallback;
}

function freeze<T>(value: T): T {
  return Object.freeze(value);
}
