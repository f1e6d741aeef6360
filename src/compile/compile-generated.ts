import { compileLambdaLayer, compileLayerOutputs, compileLayerResources, layerArtifactName, layerHash } from './resources/lambda-layer.js';
import type { FunctionModel, ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import type { CfnOutput, CfnResource } from './cfn.js';
import { sortKeysDeep } from './sort-keys-deep.js';
import { checkRouteKeys } from './check-route-keys.js';
import { mergeDeep } from './merge-deep.js';
import {
  CUSTOM_RESOURCES_ARTIFACT_NAME,
  DEPLOYMENT_BUCKET_OUTPUT_ID,
  isValidLogicalId,
  LAMBDA_EXECUTION_ROLE_ID,
  lambdaFunctionId,
  lambdaVersionOutputId,
  logGroupId,
  outputExportName,
  WEBSOCKETS_API_ID,
  WEBSOCKETS_ENDPOINT_OUTPUT_ID,
  WEBSOCKETS_LOG_GROUP_ID,
  WEBSOCKETS_STAGE_ID,
  websocketsAuthorizerId,
  websocketsIntegrationId,
  websocketsPermissionId,
  websocketsRouteId,
  websocketsRouteResponseId,
  functionLogGroupName,
} from './naming.js';
import { ref } from './cfn.js';
import { artifactFileName, functionArtifactSource } from './function-artifact.js';
import { compileDeploymentBucket } from './resources/deployment-bucket.js';
import { compileLogGroup } from './resources/log-group.js';
import { addRoleStatement, compileLambdaExecutionRole } from './resources/lambda-execution-role.js';
import { compileLambdaFunction } from './resources/lambda-function.js';
import { compileLambdaVersion } from './resources/lambda-version.js';
import { compileWebsocketsApi, MANAGE_CONNECTIONS_STATEMENT } from './resources/websockets-api.js';
import { compileWebsocketsIntegration } from './resources/websockets-integration.js';
import { compileWebsocketsRoute, compileWebsocketsRouteResponse } from './resources/websockets-route.js';
import { compileWebsocketsAuthorizer } from './resources/websockets-authorizer.js';
import { compileAuthorizerPermission, compileFunctionPermission } from './resources/websockets-permission.js';
import { compileWebsocketsStage } from './resources/websockets-stage.js';
import { compileWebsocketsDeployment } from './resources/websockets-deployment.js';
import {
  compileApiGatewayCloudWatchRole,
  needsApiGatewayCloudWatchRole,
} from './resources/api-gateway-cloudwatch-role.js';
import { compileWebsocketsEndpointOutput } from './resources/websockets-endpoint-output.js';
import type { CompileOptions } from './index.js';

export interface GeneratedResources {
  resources: Record<string, CfnResource>;
  outputs: Record<string, CfnOutput>;
  /** Resources that also go into the create-stack template. */
  coreResourceIds: string[];
  needsCustomResources: boolean;
}

const sameContent = (a: unknown, b: unknown): boolean =>
  JSON.stringify(sortKeysDeep(a)) === JSON.stringify(sortKeysDeep(b));

/**
 * Every resource wsgate generates, in Serverless v3's order. Ids are checked as they are added:
 * an id CloudFormation would reject, or two config entries that map to the same id (which v3
 * silently merges), becomes an issue naming both config paths.
 */
export function compileGeneratedResources(
  model: ServiceModel,
  options: CompileOptions,
  issues: ErrorDetail[],
): GeneratedResources {
  const resources: Record<string, CfnResource> = {};
  const outputs: Record<string, CfnOutput> = {};
  const origins = new Map<string, string>();
  const location = { file: model.configFile };

  const add = (id: string, resource: CfnResource, configPath: string, what: string, invalidIdHint?: string): boolean => {
    if (!isValidLogicalId(id)) {
      issues.push({
        code: 'PACKAGE_INVALID_LOGICAL_ID',
        message: `${what} gives the CloudFormation logical id "${id}", which is not alphanumeric (or is longer than 255 characters)`,
        path: configPath,
        location,
        hint: invalidIdHint ?? 'Use only letters, digits, "-", "_", "." and "/" in function names and route keys.',
      });
      return false;
    }
    const previous = origins.get(id);
    if (previous !== undefined) {
      if (sameContent(resources[id], resource)) return false;
      issues.push({
        code: 'PACKAGE_DUPLICATE_LOGICAL_ID',
        message: `${what} gives the logical id "${id}", which ${previous} already uses`,
        path: configPath,
        location,
        hint: 'Rename one of them: Serverless v3 would silently merge both into one resource.',
      });
      return false;
    }
    origins.set(id, `${what} (${configPath})`);
    resources[id] = resource;
    return true;
  };

  const bucket = compileDeploymentBucket(model);
  for (const [id, resource] of Object.entries(bucket.resources))
    add(id, resource, 'provider.deploymentBucket', 'The deployment bucket');
  const coreResourceIds = Object.keys(bucket.resources);
  outputs[DEPLOYMENT_BUCKET_OUTPUT_ID] = bucket.output;

  // v3 compiles layers (package:compileLayers) before functions.
  for (const layer of model.layers?.values() ?? []) {
    const s3Key = `${options.artifactDirectoryName}/${layerArtifactName(layer.key)}`;
    const layerVersion = compileLambdaLayer(model, layer, bucket.bucket, s3Key);
    const zip = options.layerZips?.[layer.key];
    const hash = zip && layerHash(layerVersion, zip);
    const compiled = compileLayerResources(layer, layerVersion, hash);
    if (!add(compiled.logicalId, compiled.layerVersion, layer.configPath, `Layer "${layer.key}"`)) continue;
    compiled.permissions.forEach(({ logicalId, resource }, i) =>
      add(
        logicalId,
        resource,
        `${layer.configPath}.allowedAccounts[${i}]`,
        `Account "${layer.allowedAccounts![i]}" of layer "${layer.key}"`,
        // Serverless v3 names the permission after the account as written, and CloudFormation refuses the ":" of an ARN.
        'Write the account as its 12-digit id in quotes (\'123456789012\') rather than its root ARN.',
      ),
    );
    Object.assign(outputs, compileLayerOutputs(layer, compiled.logicalId, hash, s3Key));
  }

  for (const fn of model.functions.values()) {
    add(
      logGroupId(fn.key),
      compileLogGroup(model, functionLogGroupName(fn.name)),
      fn.configPath,
      `Function "${fn.key}"`,
    );
  }
  const role = compileLambdaExecutionRole(model);
  if (role) add(LAMBDA_EXECUTION_ROLE_ID, role, 'provider.iam.role', 'The execution role');

  const artifactOf = (fn: FunctionModel) =>
    options.functionArtifacts?.[fn.key] ?? {
      name: artifactFileName(model, functionArtifactSource(model, fn)),
      sha256: options.artifact.sha256,
    };
  const code = (name: string) => ({ S3Bucket: bucket.bucket, S3Key: `${options.artifactDirectoryName}/${name}` });
  const functionResources = new Map<FunctionModel, CfnResource>();
  for (const fn of model.functions.values()) {
    const resource = compileLambdaFunction(model, fn, code(artifactOf(fn).name));
    if (add(lambdaFunctionId(fn.key), resource, fn.configPath, `Function "${fn.key}"`))
      functionResources.set(fn, resource);
  }
  if (model.provider.versionFunctions) {
    for (const [fn, resource] of functionResources) {
      const version = compileLambdaVersion(fn, resource, artifactOf(fn).sha256);
      add(version.logicalId, version.resource, fn.configPath, `Function "${fn.key}"`);
      outputs[lambdaVersionOutputId(fn.key)] = version.output;
    }
  }

  let needsCustomResources = false;
  const { routes, externalApiId } = model.websocket;
  const rejectedRoutes = checkRouteKeys(model, issues);
  if (routes.length > 0) {
    if (externalApiId === undefined) {
      add(WEBSOCKETS_API_ID, compileWebsocketsApi(model), 'provider', 'The websocket API');
      if (role) addRoleStatement(role, structuredClone(MANAGE_CONNECTIONS_STATEMENT));
    }
    const routeFunctions = [...new Set(routes.map((route) => route.functionKey))];
    for (const key of routeFunctions) {
      add(
        websocketsIntegrationId(key),
        compileWebsocketsIntegration(model, key),
        `functions.${key}`,
        `Function "${key}"`,
      );
    }
    for (const route of routes) {
      if (!route.routeResponseSelectionExpression || rejectedRoutes.has(route)) continue;
      add(
        websocketsRouteResponseId(route.routeKey),
        compileWebsocketsRouteResponse(model, route),
        route.configPath,
        `Route "${route.routeKey}"`,
      );
    }
    for (const authorizer of model.websocket.authorizers.values()) {
      add(
        websocketsAuthorizerId(authorizer.name),
        compileWebsocketsAuthorizer(model, authorizer),
        authorizerPath(model, authorizer.name),
        `Authorizer "${authorizer.name}"`,
      );
    }
    for (const route of routes) {
      add(
        websocketsPermissionId(route.functionKey),
        compileFunctionPermission(model, route.functionKey),
        `functions.${route.functionKey}`,
        `Function "${route.functionKey}"`,
      );
      if (route.authorizer) {
        add(
          websocketsPermissionId(route.authorizer.name),
          compileAuthorizerPermission(model, route.authorizer),
          `${route.configPath}.authorizer`,
          `Authorizer "${route.authorizer.name}"`,
        );
      }
    }
    const compiledRouteKeys = new Set<string>();
    for (const route of routes) {
      if (rejectedRoutes.has(route)) continue;
      const id = websocketsRouteId(route.routeKey);
      const compiled = compileWebsocketsRoute(model, route);
      // A key defined again: v3 lodash-merges the route into the first one, so the last target wins.
      if (compiledRouteKeys.has(route.routeKey)) resources[id] = mergeDeep(resources[id], compiled) as CfnResource;
      else if (add(id, compiled, `${route.configPath}.route`, `Route "${route.routeKey}"`)) compiledRouteKeys.add(route.routeKey);
    }
    if (externalApiId === undefined) {
      add(WEBSOCKETS_STAGE_ID, compileWebsocketsStage(model), 'provider.stage', 'The websocket stage');
      if (model.websocket.logs) {
        add(
          WEBSOCKETS_LOG_GROUP_ID,
          compileLogGroup(model, model.websocket.logs.logGroupName),
          'provider.logs.websocket',
          'Websocket logs',
        );
      }
      if (needsApiGatewayCloudWatchRole(model)) {
        needsCustomResources = true;
        const customResources = compileApiGatewayCloudWatchRole(model, code(CUSTOM_RESOURCES_ARTIFACT_NAME));
        for (const [id, resource] of Object.entries(customResources))
          add(id, resource, 'provider.logs.websocket', 'Websocket logs');
      }
    }
    const deployment = compileWebsocketsDeployment(model, resources);
    add(deployment.logicalId, deployment.resource, 'functions', 'The websocket deployment');
    const stage = resources[WEBSOCKETS_STAGE_ID];
    if (stage?.Properties) stage.Properties.DeploymentId = ref(deployment.logicalId);
    outputs[WEBSOCKETS_ENDPOINT_OUTPUT_ID] = compileWebsocketsEndpointOutput(model);
  }

  for (const [id, output] of Object.entries(outputs)) {
    output.Export ??= { Name: outputExportName(model.service, model.stage, id) };
  }
  return { resources, outputs, coreResourceIds, needsCustomResources };
}

function authorizerPath(model: ServiceModel, name: string): string {
  const route = model.websocket.routes.find((candidate) => candidate.authorizer?.name === name);
  return route ? `${route.configPath}.authorizer` : 'functions';
}
