import type { ServiceModel } from '../../config/model.js';
import { AWS_REGION, join, sub, type CfnResource } from '../cfn.js';
import { functionLogGroupName } from '../naming.js';

const logGroupArn = (prefix: string, suffix: string) =>
  sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${prefix}${suffix}`);

/**
 * `IamRoleLambdaExecution`: log permissions for every function, then `provider.iam.role.statements`.
 * Undefined when the provider names an existing role.
 */
export function compileLambdaExecutionRole(model: ServiceModel): CfnResource | undefined {
  if (model.provider.iamRole !== undefined || model.functions.size === 0) return undefined;
  const canonicalPrefix = `${model.service}-${model.stage}`;
  const createResources: unknown[] = [];
  const putResources: unknown[] = [];
  let hasCanonicalName = false;
  for (const fn of model.functions.values()) {
    if (fn.name.startsWith(canonicalPrefix)) {
      hasCanonicalName = true;
      continue;
    }
    createResources.push(logGroupArn(functionLogGroupName(fn.name), ':*'));
    putResources.push(logGroupArn(functionLogGroupName(fn.name), ':*:*'));
  }
  if (hasCanonicalName) {
    createResources.push(logGroupArn(functionLogGroupName(canonicalPrefix), '*:*'));
    putResources.push(logGroupArn(functionLogGroupName(canonicalPrefix), '*:*:*'));
  }
  const properties: Record<string, unknown> = {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
    },
    Policies: [
      {
        PolicyName: join('-', [model.service, model.stage, 'lambda']),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'],
              Resource: createResources,
            },
            { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: putResources },
            ...model.provider.iamRoleStatements.map((statement) => structuredClone(statement)),
          ],
        },
      },
    ],
    Path: '/',
    RoleName: join('-', [model.service, model.stage, AWS_REGION, 'lambdaRole']),
  };
  if (model.provider.iamManagedPolicies.length > 0) {
    properties.ManagedPolicyArns = [...model.provider.iamManagedPolicies];
  }
  return { Type: 'AWS::IAM::Role', Properties: properties };
}

/** Appends a statement to the first inline policy of a role built by `compileLambdaExecutionRole`. */
export function addRoleStatement(role: CfnResource, statement: unknown): void {
  const policies = role.Properties?.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>;
  policies[0].PolicyDocument.Statement.push(statement);
}
