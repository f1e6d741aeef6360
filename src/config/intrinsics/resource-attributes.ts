import { createHash } from 'node:crypto';
import {
  functionLogGroupName,
  LAMBDA_EXECUTION_ROLE_ID,
  lambdaFunctionId,
  logGroupId,
  WEBSOCKETS_API_ID,
  WEBSOCKETS_STAGE_ID,
} from '../../compile/naming.js';
import type { ServiceModel } from '../model.js';

/** Where the service runs, as a deployed stack would see it. */
export interface StackIdentity {
  readonly region: string;
  readonly accountId: string;
  /** `provider.stackName` or `{service}-{stage}`. */
  readonly stackName: string;
  /** The API id the local gateway puts in events (`requestContext.apiId`). */
  readonly apiId: string;
  readonly stage: string;
}

/** What `Ref` and `Fn::GetAtt` give for one resource. */
export interface ResourceValues {
  readonly type: string;
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The stack name CloudFormation deploys the service as. */
export function stackNameOf(model: ServiceModel, stage = model.stage): string {
  return model.provider?.stackName ?? `${model.service}-${stage}`;
}

/**
 * A physical name CloudFormation would generate, `{stackName}-{LogicalId}-{suffix}`, with the random suffix
 * derived from stack and logical id so that it stays the same across runs.
 */
export function generatedPhysicalName(stackName: string, logicalId: string, options: { length?: number; lowerCase?: boolean } = {}): string {
  const length = options.length ?? 13;
  const alphabet = options.lowerCase ? 'abcdefghijklmnopqrstuvwxyz0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const digest = createHash('sha256').update(`${stackName}\0${logicalId}`).digest();
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += alphabet[digest[i]! % alphabet.length];
  const name = `${stackName}-${logicalId}-${suffix}`;
  return options.lowerCase ? name.toLowerCase() : name;
}

/**
 * `Ref` and `Fn::GetAtt` values of a resource of the service: one wsgate generates (`WebsocketsApi`,
 * `WebsocketsDeploymentStage`, `<Fn>LambdaFunction`, `<Fn>LogGroup`, `IamRoleLambdaExecution`) or one of
 * `resources.Resources` whose type is known here. `nameOf` evaluates a name property that is itself an
 * intrinsic (undefined when it cannot); without it, such a name counts as absent. Undefined for an unknown id.
 */
export function resourceAttributes(
  model: ServiceModel,
  identity: StackIdentity,
  logicalId: string,
  nameOf: (value: unknown) => string | undefined = (value) => (typeof value === 'string' ? value : undefined),
): ResourceValues | undefined {
  // A user resource with a generated id (say `WebsocketsApi` with a Name of its own) is merged into the
  // generated one by Serverless, as `resources:` overrides are: its Ref is still the generated resource's.
  const generated = generatedResource(model, identity, logicalId);
  if (generated !== undefined) return generated;
  const declared = model.resources?.Resources?.[logicalId];
  if (declared !== null && typeof declared === 'object' && typeof (declared as { Type?: unknown }).Type === 'string') {
    const { Type: type, Properties: properties } = declared as { Type: string; Properties?: Record<string, unknown> };
    const props = properties !== null && typeof properties === 'object' ? properties : {};
    return userResource(type, props, logicalId, identity, nameOf);
  }
  return undefined;
}

function generatedResource(model: ServiceModel, id: StackIdentity, logicalId: string): ResourceValues | undefined {
  const { region, accountId } = id;
  const ownApi = (model.websocket?.routes.length ?? 0) > 0 && model.websocket.externalApiId === undefined;
  if (logicalId === WEBSOCKETS_API_ID && ownApi) {
    return {
      type: 'AWS::ApiGatewayV2::Api',
      ref: id.apiId,
      attributes: { ApiId: id.apiId, ApiEndpoint: `wss://${id.apiId}.execute-api.${region}.amazonaws.com` },
    };
  }
  if (logicalId === WEBSOCKETS_STAGE_ID && ownApi) {
    return { type: 'AWS::ApiGatewayV2::Stage', ref: id.stage, attributes: {} };
  }
  if (logicalId === LAMBDA_EXECUTION_ROLE_ID && model.provider?.iamRole === undefined) {
    const name = `${model.service}-${id.stage}-${region}-lambdaRole`;
    return { type: 'AWS::IAM::Role', ref: name, attributes: { Arn: `arn:aws:iam::${accountId}:role/${name}` } };
  }
  for (const fn of model.functions.values()) {
    if (logicalId === lambdaFunctionId(fn.key)) {
      return lambdaFunction(fn.name, id);
    }
    if (logicalId === logGroupId(fn.key)) {
      const name = functionLogGroupName(fn.name);
      return { type: 'AWS::Logs::LogGroup', ref: name, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` } };
    }
  }
  return undefined;
}

function lambdaFunction(name: string, { region, accountId }: StackIdentity): ResourceValues {
  return { type: 'AWS::Lambda::Function', ref: name, attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${name}` } };
}

/** Return values as the CloudFormation resource reference documents them ("Return values", per type). */
function userResource(
  type: string,
  props: Record<string, unknown>,
  logicalId: string,
  id: StackIdentity,
  nameOf: (value: unknown) => string | undefined,
): ResourceValues | undefined {
  const { region, accountId, stackName } = id;
  const named = (property: string, options?: { length?: number; lowerCase?: boolean }) =>
    (props[property] !== undefined ? nameOf(props[property]) : undefined) ?? generatedPhysicalName(stackName, logicalId, options);
  switch (type) {
    case 'AWS::DynamoDB::Table': {
      const name = named('TableName');
      const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      return { type, ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/${STREAM_LABEL}` } };
    }
    case 'AWS::SQS::Queue': {
      const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
      const name = props.QueueName !== undefined ? named('QueueName', { length: 12 }) : `${generatedPhysicalName(stackName, logicalId, { length: 12 })}${fifo ? '.fifo' : ''}`;
      const url = `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
      return { type, ref: url, attributes: { Arn: `arn:aws:sqs:${region}:${accountId}:${name}`, QueueName: name, QueueUrl: url } };
    }
    case 'AWS::SNS::Topic': {
      const name = named('TopicName', { length: 12 });
      const arn = `arn:aws:sns:${region}:${accountId}:${name}`;
      return { type, ref: arn, attributes: { TopicArn: arn, TopicName: name } };
    }
    case 'AWS::S3::Bucket': {
      const name = named('BucketName', { length: 12, lowerCase: true });
      return {
        type,
        ref: name,
        attributes: {
          Arn: `arn:aws:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
          RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
          DualStackDomainName: `${name}.s3.dualstack.${region}.amazonaws.com`,
          WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
        },
      };
    }
    case 'AWS::Lambda::Function':
      return lambdaFunction(named('FunctionName', { length: 12 }), id);
    case 'AWS::IAM::Role': {
      const name = named('RoleName', { length: 12 });
      const path = typeof props.Path === 'string' ? props.Path : '/';
      return { type, ref: name, attributes: { Arn: `arn:aws:iam::${accountId}:role${path}${name}` } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName', { length: 12 });
      return { type, ref: name, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` } };
    }
    case 'AWS::SSM::Parameter': {
      const name = named('Name', { length: 12 });
      return { type, ref: name, attributes: { Type: typeof props.Type === 'string' ? props.Type : 'String', Value: nameOf(props.Value) ?? '' } };
    }
    case 'AWS::Kinesis::Stream': {
      const name = named('Name', { length: 12 });
      return { type, ref: name, attributes: { Arn: `arn:aws:kinesis:${region}:${accountId}:stream/${name}` } };
    }
    case 'AWS::Events::EventBus': {
      const name = nameOf(props.Name) ?? generatedPhysicalName(stackName, logicalId, { length: 12 });
      const arn = `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
      return { type, ref: name, attributes: { Arn: arn, Name: name } };
    }
    case 'AWS::Cognito::UserPool': {
      const poolId = `${region}_${generatedPhysicalName(stackName, logicalId, { length: 9 }).slice(-9)}`;
      return {
        type,
        ref: poolId,
        attributes: {
          Arn: `arn:aws:cognito-idp:${region}:${accountId}:userpool/${poolId}`,
          ProviderName: `cognito-idp.${region}.amazonaws.com/${poolId}`,
          ProviderURL: `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
          UserPoolId: poolId,
        },
      };
    }
    default:
      return undefined;
  }
}

/** The label of a table's stream: a creation time on AWS; fixed here so the ARN is the same on every run. */
export const STREAM_LABEL = '1970-01-01T00:00:00.000';
