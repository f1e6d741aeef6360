import type { ServiceModel } from '../../config/model.js';
import { ref, type CfnResource } from '../cfn.js';
import { WEBSOCKETS_API_ID } from '../naming.js';

/** What every websocket resource's `ApiId` is: the generated API or the external `websocketApiId`. */
export function websocketsApiIdValue(model: ServiceModel): unknown {
  return model.websocket.externalApiId ?? ref(WEBSOCKETS_API_ID);
}

/** `WebsocketsApi`; tagged with provider tags only under `provider.websocket.useProviderTags`. */
export function compileWebsocketsApi(model: ServiceModel): CfnResource {
  const properties: Record<string, unknown> = {
    Name: model.websocket.apiName,
    RouteSelectionExpression: model.websocket.routeSelectionExpression,
    Description: model.websocket.description,
    ProtocolType: 'WEBSOCKET',
  };
  if (model.websocket.useProviderTags && Object.keys(model.provider.tags).length > 0) {
    properties.Tags = { ...model.provider.tags };
  }
  return { Type: 'AWS::ApiGatewayV2::Api', Properties: properties };
}

/** The statement that lets functions call the `@connections` management API. */
export const MANAGE_CONNECTIONS_STATEMENT = {
  Effect: 'Allow',
  Action: ['execute-api:ManageConnections'],
  Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:*:*:*/@connections/*' }],
} as const;
