import type { RouteModel, ServiceModel } from '../../config/model.js';
import { join, ref, type CfnResource } from '../cfn.js';
import { websocketsAuthorizerId, websocketsIntegrationId, websocketsRouteId } from '../naming.js';
import { websocketsApiIdValue } from './websockets-api.js';

export function compileWebsocketsRoute(model: ServiceModel, route: RouteModel): CfnResource {
  const properties: Record<string, unknown> = {
    ApiId: websocketsApiIdValue(model),
    RouteKey: route.routeKey,
    AuthorizationType: route.authorizer ? 'CUSTOM' : 'NONE',
    Target: join('/', ['integrations', ref(websocketsIntegrationId(route.functionKey))]),
  };
  if (route.routeResponseSelectionExpression) {
    properties.RouteResponseSelectionExpression = route.routeResponseSelectionExpression;
  }
  if (route.authorizer) properties.AuthorizerId = ref(websocketsAuthorizerId(route.authorizer.name));
  return { Type: 'AWS::ApiGatewayV2::Route', Properties: properties };
}

/** Only for routes with `routeResponseSelectionExpression`: lets the Lambda's `body` reach the client. */
export function compileWebsocketsRouteResponse(model: ServiceModel, route: RouteModel): CfnResource {
  return {
    Type: 'AWS::ApiGatewayV2::RouteResponse',
    Properties: {
      ApiId: websocketsApiIdValue(model),
      RouteId: ref(websocketsRouteId(route.routeKey)),
      RouteResponseKey: '$default',
    },
  };
}
