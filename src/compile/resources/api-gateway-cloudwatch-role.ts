import { createHash } from 'node:crypto';
import type { ServiceModel } from '../../config/model.js';
import { AWS_ACCOUNT_ID, AWS_PARTITION, getAtt, join, type CfnResource } from '../cfn.js';
import {
  CLOUDWATCH_ROLE_CUSTOM_RESOURCE_ID,
  CLOUDWATCH_ROLE_FUNCTION_KEY,
  cloudWatchRoleFunctionName,
  CUSTOM_RESOURCES_ROLE_ID,
  lambdaFunctionId,
} from '../naming.js';

/** The handler's path inside `custom-resources.zip`. */
export const CLOUDWATCH_ROLE_HANDLER = 'api-gateway-cloud-watch-role/handler.handler';

/** Lambda function names are limited to 64 characters; v3 shortens longer ones with an MD5 suffix. */
function shortenFunctionName(name: string): string {
  if (name.length <= 64) return name;
  return `${name.slice(0, 32)}${createHash('md5').update(name).digest('hex')}`;
}

/** Whether the stack needs the custom resource that gives API Gateway a CloudWatch role. */
export function needsApiGatewayCloudWatchRole(model: ServiceModel): boolean {
  return (
    model.websocket.logs !== undefined &&
    model.websocket.externalApiId === undefined &&
    !model.provider.restApiLogsRoleManagedExternally
  );
}

/**
 * What Serverless v3 emits for API Gateway logging: not an `AWS::ApiGateway::Account`, but a
 * `Custom::ApiGatewayAccountRole` backed by a framework Lambda that creates or reuses the
 * account-wide role and sets it on the account (one account setting shared by every stack).
 */
export function compileApiGatewayCloudWatchRole(
  model: ServiceModel,
  code: { S3Bucket: unknown; S3Key: string },
): Record<string, CfnResource> {
  const functionId = lambdaFunctionId(CLOUDWATCH_ROLE_FUNCTION_KEY);
  const customResourceProperties: Record<string, unknown> = { ServiceToken: getAtt(functionId, 'Arn') };
  if (model.provider.restApiLogsRole !== undefined) customResourceProperties.RoleArn = model.provider.restApiLogsRole;
  return {
    [CLOUDWATCH_ROLE_CUSTOM_RESOURCE_ID]: {
      Type: 'Custom::ApiGatewayAccountRole',
      Version: 1,
      Properties: customResourceProperties,
    },
    [CUSTOM_RESOURCES_ROLE_ID]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
          ],
        },
        Policies: [
          {
            PolicyName: join('-', [model.stage, model.service, 'custom-resources-lambda']),
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Resource: join(':', ['arn', AWS_PARTITION, 'iam:', AWS_ACCOUNT_ID, 'role/*']),
                  Action: ['iam:AttachRolePolicy', 'iam:CreateRole', 'iam:ListAttachedRolePolicies', 'iam:PassRole'],
                },
                {
                  Effect: 'Allow',
                  Resource: join(':', ['arn', AWS_PARTITION, 'apigateway:*::/account']),
                  Action: ['apigateway:GET', 'apigateway:PATCH'],
                },
              ],
            },
          },
        ],
      },
    },
    [functionId]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: code.S3Bucket, S3Key: code.S3Key },
        FunctionName: shortenFunctionName(cloudWatchRoleFunctionName(model.service, model.stage)),
        Handler: CLOUDWATCH_ROLE_HANDLER,
        MemorySize: 1024,
        Runtime: 'nodejs18.x',
        Timeout: 180,
        Role: getAtt(CUSTOM_RESOURCES_ROLE_ID, 'Arn'),
      },
      DependsOn: [CUSTOM_RESOURCES_ROLE_ID],
    },
  };
}
