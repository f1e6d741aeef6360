import type { AuthorizerModel, ServiceModel } from '../../config/model.js';
import { getAtt, lambdaInvocationUri, type CfnResource } from '../cfn.js';
import { lambdaFunctionId } from '../naming.js';
import { websocketsApiIdValue } from './websockets-api.js';

/** The Lambda ARN of an authorizer: GetAtt of a local function, or the ARN/intrinsic as written. */
export function authorizerFunctionArn(authorizer: AuthorizerModel): unknown {
  return authorizer.kind === 'function' ? getAtt(lambdaFunctionId(authorizer.functionKey), 'Arn') : authorizer.arn;
}

/** A REQUEST authorizer; WebSocket APIs have no result caching, so no TTL is set. */
export function compileWebsocketsAuthorizer(model: ServiceModel, authorizer: AuthorizerModel): CfnResource {
  return {
    Type: 'AWS::ApiGatewayV2::Authorizer',
    Properties: {
      ApiId: websocketsApiIdValue(model),
      Name: authorizer.name,
      AuthorizerType: 'REQUEST',
      AuthorizerUri: lambdaInvocationUri(authorizerFunctionArn(authorizer)),
      IdentitySource: [...authorizer.identitySource],
    },
  };
}
