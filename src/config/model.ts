/**
 * The normalized, read-only description of a service: the one input of both back ends
 * (`compile` for `wsgate package`, `createGateway` for `wsgate dev`). Fully defaulted;
 * nothing here is CloudFormation output or a socket. Neither back end re-reads raw config.
 *
 * Values that the user may write as CloudFormation intrinsics (`{ Ref: … }`, `{ 'Fn::GetAtt': … }`)
 * are typed `CfnValue` and passed through untouched.
 */
export type CfnIntrinsic = { readonly [fn: string]: unknown };
export type CfnValue = string | CfnIntrinsic;

export interface ServiceModel {
  readonly service: string;
  /** Absolute path of the folder holding the configuration file. */
  readonly serviceDir: string;
  /** Absolute path of the configuration file that was loaded. */
  readonly configFile: string;
  readonly frameworkVersion?: string;
  readonly stage: string;
  readonly region: string;
  readonly provider: ProviderModel;
  /** Functions in the order they appear in the configuration, keyed by their key in `functions:`. */
  readonly functions: ReadonlyMap<string, FunctionModel>;
  /** Websocket settings and routes; `routes` is empty when the service declares no `websocket` event. */
  readonly websocket: WebsocketModel;
  readonly package: PackageModel;
  /** The `resources:` section, passed through for the compiler to merge. */
  readonly resources: ResourcesModel;
  readonly custom: Readonly<Record<string, unknown>>;
  readonly plugins: readonly string[];
  /** Every `stream` event, in configuration order; undefined when the service declares none. */
  readonly streamEvents?: readonly StreamEventModel[];
  /** The service's `layers:` with a `path`, by name, in configuration order. */
  readonly layers?: ReadonlyMap<string, LayerModel>;
}

/** A function's `stream` event (DynamoDB or Kinesis), settings as written; `src/dynamodb/` applies Lambda's defaults. */
export interface StreamEventModel {
  readonly functionKey: string;
  /** The stream's ARN: a string or an intrinsic such as `{ 'Fn::GetAtt': [Table, StreamArn] }`. */
  readonly arn: CfnValue;
  /** `dynamodb` or `kinesis`; undefined when not written (Serverless then reads it from a string ARN). */
  readonly type?: string;
  readonly batchSize?: number;
  /** Seconds. */
  readonly batchWindow?: number;
  readonly startingPosition?: string;
  /** With `startingPosition: AT_TIMESTAMP`: epoch seconds. */
  readonly startingPositionTimestamp?: number;
  readonly maximumRetryAttempts?: number;
  readonly maximumRecordAgeInSeconds?: number;
  readonly bisectBatchOnFunctionError?: boolean;
  readonly functionResponseType?: string;
  readonly filterPatterns?: readonly unknown[];
  readonly enabled: boolean;
  /** Config path of the event: `functions.<key>.events[<i>].stream`. */
  readonly configPath: string;
}

export interface LayerModel {
  /** The key under `layers:`. */
  readonly key: string;
  /** Serverless v3's logical id: `{NormalizedKey}LambdaLayer`. */
  readonly logicalId: string;
  /** `path` as written, relative to the service folder. */
  readonly path: string;
  /** Absolute folder of the layer's content (what Lambda extracts into /opt). */
  readonly dir: string;
  readonly name?: string;
  readonly description?: string;
  readonly licenseInfo?: string;
  readonly compatibleRuntimes?: readonly string[];
  readonly compatibleArchitectures?: readonly string[];
  /** `retain: true`: every version stays when the stack changes (v3: DeletionPolicy Retain, a logical id per content hash). */
  readonly retain?: boolean;
  /** Accounts (`'123456789012'`, `'*'`, an IAM root ARN) granted `lambda:GetLayerVersion`. */
  readonly allowedAccounts?: readonly string[];
  /** `layers.<key>`. */
  readonly configPath: string;
}

/** A folder standing for a layer locally (the content Lambda would extract into /opt). */
export interface LocalLayer {
  /** The layer's key in `layers:`, or the ARN mapped in `custom.wsgate.layers`. */
  readonly name: string;
  readonly dir: string;
}

export interface ProviderModel {
  readonly name: 'aws';
  /** Default runtime of functions (Serverless v3's default when not set). */
  readonly runtime: string;
  readonly memorySize: number;
  readonly timeout: number;
  /** provider.environment, values already resolved (intrinsics kept as-is for the compiler). */
  readonly environment: Readonly<Record<string, CfnValue>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly stackTags: Readonly<Record<string, string>>;
  /** provider.iam.role.statements (or legacy provider.iamRoleStatements), verbatim. */
  readonly iamRoleStatements: readonly unknown[];
  /** provider.iam.role when it is an ARN/name/intrinsic of an existing role (no IamRoleLambdaExecution then). */
  readonly iamRole?: CfnValue;
  readonly iamManagedPolicies: readonly unknown[];
  readonly deploymentBucket?: DeploymentBucketModel;
  readonly deploymentPrefix: string;
  readonly logRetentionInDays?: number;
  readonly logDataProtectionPolicy?: unknown;
  /** provider.logs.restApi.role / roleManagedExternally: they govern the API Gateway CloudWatch role for websockets too. */
  readonly restApiLogsRole?: CfnValue;
  readonly restApiLogsRoleManagedExternally: boolean;
  readonly versionFunctions: boolean;
  readonly architecture?: 'x86_64' | 'arm64';
  readonly stackName?: string;
}

export interface DeploymentBucketModel {
  /** An existing bucket by name: no ServerlessDeploymentBucket resource is emitted. */
  readonly name?: string;
  readonly serverSideEncryption?: string;
  readonly blockPublicAccess?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface FunctionModel {
  /** The key under `functions:`. */
  readonly key: string;
  /** The deployed Lambda name: `name:` or `{service}-{stage}-{key}`. */
  readonly name: string;
  /** As written: `path/to/file.exportName`. */
  readonly handler: string;
  readonly runtime: string;
  readonly memorySize: number;
  /** Seconds. Serverless default: 6. */
  readonly timeout: number;
  readonly description?: string;
  /** provider.environment merged with the function's own (function wins). */
  readonly environment: Readonly<Record<string, CfnValue>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly architecture?: 'x86_64' | 'arm64';
  /** The function's `package:`; undefined when it has none. */
  readonly package?: FunctionPackageModel;
  /** Routes of this function, in event order. */
  readonly websocketRouteKeys: readonly string[];
  /** Config path of the function, for messages: `functions.<key>`. */
  readonly configPath: string;
  /** The function's `layers` (else `provider.layers`) as written: ARNs or intrinsics. */
  readonly layers?: readonly CfnValue[];
  /** The local folders of its layers, in order: service layers and ARNs mapped in `custom.wsgate.layers`. */
  readonly localLayers?: readonly LocalLayer[];
}

export interface WebsocketModel {
  /** provider.websocketsApiName or `{stage}-{service}-websockets`. */
  readonly apiName: string;
  /** provider.websocketsApiRouteSelectionExpression or `$request.body.action`. */
  readonly routeSelectionExpression: string;
  /** provider.websocketsDescription or `Serverless Websockets`. */
  readonly description: string;
  readonly useProviderTags: boolean;
  /** provider.apiGateway.websocketApiId: an existing API; no WebsocketsApi/Stage are emitted. */
  readonly externalApiId?: CfnValue;
  /** Every websocket event, in configuration order (functions in order, events in order). */
  readonly routes: readonly RouteModel[];
  /** Distinct authorizers by name (the authorizer's logical name), in first-use order. */
  readonly authorizers: ReadonlyMap<string, AuthorizerModel>;
  /** Undefined when provider.logs.websocket is off. */
  readonly logs?: WebsocketLogsModel;
}

export interface RouteModel {
  /** Verbatim route key: `$connect`, `$disconnect`, `$default` or a custom key. */
  readonly routeKey: string;
  readonly functionKey: string;
  readonly routeResponseSelectionExpression?: '$default';
  /** Only on `$connect` (validation rejects it elsewhere). */
  readonly authorizer?: AuthorizerModel;
  /** Config path of the event: `functions.<key>.events[<i>].websocket`. */
  readonly configPath: string;
}

/** Never a string sniffed for `:` downstream: normalization decides the kind once. */
export type AuthorizerModel = FunctionAuthorizerModel | ArnAuthorizerModel;

export interface FunctionAuthorizerModel {
  readonly kind: 'function';
  /** Authorizer name (= function key), used for logical ids. */
  readonly name: string;
  readonly functionKey: string;
  readonly identitySource: readonly string[];
}

export interface ArnAuthorizerModel {
  readonly kind: 'arn';
  /** A string ARN or a CloudFormation intrinsic. */
  readonly arn: CfnValue;
  /** From `name:` or the text after the ARN's last `:`. */
  readonly name: string;
  readonly identitySource: readonly string[];
}

export interface WebsocketLogsModel {
  readonly accessLogging: boolean;
  readonly executionLogging: boolean;
  readonly fullExecutionData: boolean;
  readonly level: 'INFO' | 'ERROR';
  /** The access log format (Serverless v3's default when not set). */
  readonly format: string;
  /** `/aws/websocket/{service}-{stage}`. */
  readonly logGroupName: string;
}

export interface PackageModel {
  /** `package.include` then `package.patterns`: a `!` pattern excludes, any other adds files back. */
  readonly patterns: readonly string[];
  /**
   * Applied before `patterns`: the legacy `package.exclude` (each excludes; a `!x` entry adds back),
   * then `.env*` when `useDotenv` is true, as Serverless v3 orders them.
   */
  readonly exclude?: readonly string[];
  readonly individually: boolean;
  readonly excludeDevDependencies: boolean;
  /** A prebuilt artifact path, when given. */
  readonly artifact?: string;
}

/** `functions.<key>.package`: with `individually` (here or service-wide) the function gets its own zip. */
export interface FunctionPackageModel {
  /** The function's `include` then `patterns`, applied after the service's. */
  readonly patterns: readonly string[];
  /** The function's legacy `exclude`, applied after the service's excludes. */
  readonly exclude: readonly string[];
  readonly individually: boolean;
  /** A prebuilt artifact path for this function, when given. */
  readonly artifact?: string;
}

export interface ResourcesModel {
  readonly Resources: Readonly<Record<string, unknown>>;
  readonly Outputs: Readonly<Record<string, unknown>>;
  readonly Conditions: Readonly<Record<string, unknown>>;
  /** Any other top-level keys of `resources:` (Parameters, Mappings, extensions), verbatim. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** Serverless v3's default `provider.logs.websocket.format`. */
export const DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT =
  '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.eventType $context.routeKey $context.connectionId" $context.requestId';

export const DEFAULT_IDENTITY_SOURCE = 'route.request.header.Auth';
export const DEFAULT_ROUTE_SELECTION_EXPRESSION = '$request.body.action';
export const DEFAULT_WEBSOCKETS_DESCRIPTION = 'Serverless Websockets';
