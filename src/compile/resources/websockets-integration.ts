import type { ServiceModel } from '../../config/model.js';
import { getAtt, lambdaInvocationUri, type CfnResource } from '../cfn.js';
import { lambdaFunctionId } from '../naming.js';
import { websocketsApiIdValue } from './websockets-api.js';

/** One Lambda proxy integration per function that has websocket events. */
export function compileWebsocketsIntegration(model: ServiceModel, functionKey: string): CfnResource {
  return {
    Type: 'AWS::ApiGatewayV2::Integration',
    Properties: {
      ApiId: websocketsApiIdValue(model),
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: lambdaInvocationUri(getAtt(lambdaFunctionId(functionKey), 'Arn')),
    },
  };
}
