import { createHash } from 'node:crypto';
import type { ServiceModel } from '../../config/model.js';
import type { CfnResource } from '../cfn.js';
import { WEBSOCKETS_API_ID, websocketsDeploymentId, websocketsRouteId, websocketsRouteResponseId } from '../naming.js';
import { websocketsApiIdValue } from './websockets-api.js';

/**
 * The hash-named deployment. The hash covers every resource of the API (as v3 picks them: the API,
 * anything whose `ApiId` refs it or that depends on it), so any change to routes, integrations or
 * stage settings rolls a new deployment.
 */
export function compileWebsocketsDeployment(
  model: ServiceModel,
  resources: Readonly<Record<string, CfnResource>>,
): { logicalId: string; resource: CfnResource } {
  const part: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(resources)) {
    const apiId = resource.Properties?.ApiId as { Ref?: unknown } | undefined;
    const dependsOn = resource.DependsOn;
    if (
      id === WEBSOCKETS_API_ID ||
      apiId?.Ref === WEBSOCKETS_API_ID ||
      (Array.isArray(dependsOn) && dependsOn.includes(WEBSOCKETS_API_ID))
    ) {
      part[id] = resource;
    }
  }
  const digest = createHash('sha256').update(JSON.stringify(part)).digest('base64');
  const dependsOnIds = model.websocket.routes.flatMap((route) =>
    route.routeResponseSelectionExpression
      ? [websocketsRouteResponseId(route.routeKey), websocketsRouteId(route.routeKey)]
      : [websocketsRouteId(route.routeKey)],
  );
  const properties: Record<string, unknown> = {
    ApiId: websocketsApiIdValue(model),
    Description: model.websocket.description,
  };
  // With an external API there is no stage resource: the deployment updates the named stage itself.
  if (model.websocket.externalApiId !== undefined) properties.StageName = model.stage;
  return {
    logicalId: websocketsDeploymentId(digest),
    resource: { Type: 'AWS::ApiGatewayV2::Deployment', DependsOn: dependsOnIds, Properties: properties },
  };
}
