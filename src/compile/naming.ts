/**
 * Every CloudFormation logical id and generated name, spelled as Serverless Framework v3's
 * `lib/plugins/aws/lib/naming.js` spells them, so a stack packaged by wsgate updates one
 * deployed by Serverless without replacing resources.
 */

const upperFirst = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export function normalizeFunctionName(functionKey: string): string {
  return upperFirst(functionKey.replace(/-/g, 'Dash').replace(/_/g, 'Underscore'));
}

/** No upper-casing and no other characters are removed: v3 leaves a space or `@` in the id. */
export function normalizeRouteKey(routeKey: string): string {
  return routeKey
    .replace(/\$/g, 'S')
    .replace(/\//g, 'Slash')
    .replace(/-/g, 'Dash')
    .replace(/_/g, 'Underscore')
    .replace(/\./g, 'Period');
}

/** CloudFormation accepts only ASCII letters and digits in logical ids, up to 255 characters. */
export function isValidLogicalId(logicalId: string): boolean {
  return /^[A-Za-z0-9]{1,255}$/.test(logicalId);
}

const stripNonAlphanumeric = (text: string): string => text.replace(/[^0-9a-z]/gi, '');

export const DEPLOYMENT_BUCKET_ID = 'ServerlessDeploymentBucket';
export const DEPLOYMENT_BUCKET_POLICY_ID = 'ServerlessDeploymentBucketPolicy';
export const DEPLOYMENT_BUCKET_OUTPUT_ID = 'ServerlessDeploymentBucketName';
export const LAMBDA_EXECUTION_ROLE_ID = 'IamRoleLambdaExecution';
export const WEBSOCKETS_API_ID = 'WebsocketsApi';
export const WEBSOCKETS_STAGE_ID = 'WebsocketsDeploymentStage';
export const WEBSOCKETS_LOG_GROUP_ID = 'WebsocketsLogGroup';
export const WEBSOCKETS_ENDPOINT_OUTPUT_ID = 'ServiceEndpointWebsocket';
export const CLOUDWATCH_ROLE_CUSTOM_RESOURCE_ID = 'CustomApiGatewayAccountCloudWatchRole';
export const CUSTOM_RESOURCES_ROLE_ID = 'IamRoleCustomResourcesLambdaExecution';
/** The key v3 gives its framework function for the API Gateway CloudWatch role custom resource. */
export const CLOUDWATCH_ROLE_FUNCTION_KEY = 'custom-resource-apigw-cw-role';
export const CUSTOM_RESOURCES_ARTIFACT_NAME = 'custom-resources.zip';

export const logGroupId = (functionKey: string): string => `${normalizeFunctionName(functionKey)}LogGroup`;
export const lambdaFunctionId = (functionKey: string): string => `${normalizeFunctionName(functionKey)}LambdaFunction`;
export const lambdaVersionId = (functionKey: string, digest: string): string =>
  `${normalizeFunctionName(functionKey)}LambdaVersion${stripNonAlphanumeric(digest)}`;
export const lambdaVersionOutputId = (functionKey: string): string => `${lambdaFunctionId(functionKey)}QualifiedArn`;

export const websocketsIntegrationId = (functionKey: string): string =>
  `${normalizeFunctionName(functionKey)}WebsocketsIntegration`;
export const websocketsPermissionId = (functionOrAuthorizerName: string): string =>
  `${normalizeFunctionName(functionOrAuthorizerName)}LambdaPermissionWebsockets`;
export const websocketsRouteId = (routeKey: string): string => `${normalizeRouteKey(routeKey)}WebsocketsRoute`;
export const websocketsRouteResponseId = (routeKey: string): string =>
  `${normalizeRouteKey(routeKey)}WebsocketsRouteResponse`;
export const websocketsAuthorizerId = (authorizerName: string): string =>
  `${normalizeFunctionName(authorizerName)}WebsocketsAuthorizer`;
export const websocketsDeploymentId = (digest: string): string => `WebsocketsDeployment${stripNonAlphanumeric(digest)}`;

/** `sls-{service}-{stage}-{OutputId}`: the export v3 gives every output it generates. */
export const outputExportName = (service: string, stage: string, outputId: string): string =>
  `sls-${service}-${stage}-${outputId}`;

export const artifactName = (service: string): string => `${service}.zip`;
/** With `package.individually`: one artifact per function, named after its key. */
export const functionArtifactName = (functionKey: string): string => `${functionKey}.zip`;
export const functionLogGroupName = (lambdaName: string): string => `/aws/lambda/${lambdaName}`;
export const websocketsLogGroupName = (service: string, stage: string): string => `/aws/websocket/${service}-${stage}`;
export const defaultWebsocketsApiName = (service: string, stage: string): string => `${stage}-${service}-websockets`;
export const cloudWatchRoleFunctionName = (service: string, stage: string): string =>
  `${service}-${stage}-${CLOUDWATCH_ROLE_FUNCTION_KEY}`;

export const CREATE_STACK_TEMPLATE_FILE = 'cloudformation-template-create-stack.json';
export const UPDATE_STACK_TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
