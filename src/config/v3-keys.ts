/**
 * The keys Serverless Framework 3.40 accepts (its core `lib/config-schema.js` and the AWS provider's
 * `configSchemaHandler.defineProvider` / `defineFunctionEvent` calls), as data. wsgate's schema defines the
 * keys it reads precisely; every other key listed here is accepted as it is, so that no setting v3 accepts
 * is reported unknown. A key missing from these lists is still reported.
 */
export const V3_TOP_LEVEL_KEYS = [
  'app', 'configValidationMode', 'console', 'custom', 'dashboard', 'deprecationNotificationMode', 'disabledDeprecations',
  'frameworkVersion', 'functions', 'layers', 'org', 'outputs', 'package', 'params', 'plugins', 'projectDir', 'provider',
  'resources', 'service', 'useDotenv', 'variablesResolutionMode',
] as const;

export const V3_PROVIDER_KEYS = [
  'alb', 'apiGateway', 'apiName', 'architecture', 'cfnRole', 'cloudFront', 'deploymentBucket', 'deploymentMethod',
  'deploymentPrefix', 'disableRollback', 'ecr', 'endpointType', 'environment', 'eventBridge', 'httpApi', 'iam',
  'iamManagedPolicies', 'iamRoleStatements', 'kinesis', 'kmsKeyArn', 'lambdaHashingVersion', 'layers', 'logDataProtectionPolicy',
  'logRetentionInDays', 'logs', 'memorySize', 'name', 'notificationArns', 'profile', 'region', 'role', 'rolePermissionsBoundary',
  'rollbackConfiguration', 'runtime', 'runtimeManagement', 's3', 'stackName', 'stackParameters', 'stackPolicy', 'stackTags',
  'stage', 'tags', 'timeout', 'tracing', 'versionFunctions', 'vpc', 'vpcEndpointIds', 'websocket', 'websocketsApiName',
  'websocketsApiRouteSelectionExpression', 'websocketsDescription',
] as const;

export const V3_FUNCTION_KEYS = [
  'architecture', 'awsKmsKeyArn', 'condition', 'dependsOn', 'description', 'destinations', 'disableLogs', 'environment',
  'ephemeralStorageSize', 'events', 'fileSystemConfig', 'handler', 'httpApi', 'image', 'kmsKeyArn', 'layers',
  'logDataProtectionPolicy', 'logRetentionInDays', 'maximumEventAge', 'maximumRetryAttempts', 'memorySize', 'name', 'onError',
  'package', 'provisionedConcurrency', 'reservedConcurrency', 'role', 'runtime', 'runtimeManagement', 'snapStart', 'tags',
  'timeout', 'tracing', 'url', 'versionFunction', 'vpc',
] as const;

/** Every `defineFunctionEvent('aws', …)` of v3.40. */
export const V3_EVENT_TYPES = [
  'activemq', 'alb', 'alexaSkill', 'alexaSmartHome', 'cloudFront', 'cloudwatchEvent', 'cloudwatchLog', 'cognitoUserPool',
  'eventBridge', 'http', 'httpApi', 'iot', 'iotFleetProvisioning', 'kafka', 'msk', 'rabbitmq', 's3', 'schedule', 'sns', 'sqs',
  'stream', 'websocket',
] as const;

export const V3_API_GATEWAY_KEYS = [
  'apiKeySourceType', 'apiKeys', 'binaryMediaTypes', 'description', 'disableDefaultEndpoint', 'metrics', 'minimumCompressionSize',
  'request', 'resourcePolicy', 'restApiId', 'restApiResources', 'restApiRootResourceId', 'shouldStartNameWithService', 'stage',
  'usagePlan', 'websocketApiId',
] as const;

export const V3_DEPLOYMENT_BUCKET_KEYS = [
  'blockPublicAccess', 'maxPreviousDeploymentArtifacts', 'name', 'serverSideEncryption', 'skipPolicySetup', 'sseCustomerAlgorithim',
  'sseCustomerKey', 'sseCustomerKeyMD5', 'sseKMSKeyId', 'tags', 'versioning',
] as const;

export const V3_LOGS_KEYS = ['frameworkLambda', 'httpApi', 'restApi', 'websocket'] as const;

export const V3_REST_API_LOGS_KEYS = [
  'accessLogging', 'executionLogging', 'format', 'fullExecutionData', 'level', 'role', 'roleManagedExternally',
] as const;

/** `{ key: {} }` for each key that `defined` does not define itself: accepted with any value. */
export function acceptAlso(defined: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return { ...Object.fromEntries(keys.map((key) => [key, {}])), ...defined };
}
