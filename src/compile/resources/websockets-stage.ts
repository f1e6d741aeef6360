import type { ServiceModel } from '../../config/model.js';
import { ref, sub, type CfnResource } from '../cfn.js';
import { WEBSOCKETS_API_ID, WEBSOCKETS_LOG_GROUP_ID } from '../naming.js';

/** `WebsocketsDeploymentStage` with the log settings of `provider.logs.websocket`; `DeploymentId` is set later. */
export function compileWebsocketsStage(model: ServiceModel): CfnResource {
  const properties: Record<string, unknown> = {
    ApiId: ref(WEBSOCKETS_API_ID),
    StageName: model.stage,
    Description: model.websocket.description,
  };
  const logs = model.websocket.logs;
  if (logs) {
    properties.DefaultRouteSettings = {
      DataTraceEnabled: logs.fullExecutionData,
      LoggingLevel: logs.executionLogging ? logs.level : 'OFF',
    };
    if (logs.accessLogging) {
      properties.AccessLogSettings = {
        DestinationArn: sub(
          `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${WEBSOCKETS_LOG_GROUP_ID}}`,
        ),
        Format: logs.format,
      };
    }
  }
  return { Type: 'AWS::ApiGatewayV2::Stage', Properties: properties };
}
