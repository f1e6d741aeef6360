import type { AuthorizerModel, ServiceModel } from '../../config/model.js';
import { getAtt, type CfnResource } from '../cfn.js';
import { lambdaFunctionId } from '../naming.js';
import { authorizerFunctionArn } from './websockets-authorizer.js';
import { websocketsApiIdValue } from './websockets-api.js';

/** Permissions depend on the API when it is a resource of this stack: `WebsocketsApi`, or an external id given as a Ref. */
function apiDependency(model: ServiceModel): string[] {
  const apiId = websocketsApiIdValue(model) as { Ref?: unknown };
  return typeof apiId === 'object' && typeof apiId.Ref === 'string' ? [apiId.Ref] : [];
}

/** Lets API Gateway invoke a function (v3 sets no `SourceArn`). */
export function compileFunctionPermission(model: ServiceModel, functionKey: string): CfnResource {
  return {
    Type: 'AWS::Lambda::Permission',
    DependsOn: [...apiDependency(model), lambdaFunctionId(functionKey)],
    Properties: {
      FunctionName: getAtt(lambdaFunctionId(functionKey), 'Arn'),
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    },
  };
}

export function compileAuthorizerPermission(model: ServiceModel, authorizer: AuthorizerModel): CfnResource {
  const dependsOn = apiDependency(model);
  if (authorizer.kind === 'function') dependsOn.push(lambdaFunctionId(authorizer.functionKey));
  const resource: CfnResource = {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: authorizerFunctionArn(authorizer),
    },
  };
  // An empty DependsOn list is left out rather than written as `[]`.
  return dependsOn.length > 0
    ? { Type: resource.Type, DependsOn: dependsOn, Properties: resource.Properties }
    : resource;
}
