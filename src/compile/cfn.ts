/** Typed CloudFormation template pieces and intrinsic helpers. */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  Condition?: string;
  /** Custom resources carry a `Version` key in Serverless v3's output. */
  Version?: number;
  [key: string]: unknown;
}

export interface CfnOutput {
  Description?: string;
  Value: unknown;
  Export?: { Name: unknown };
  Condition?: string;
}

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, CfnOutput>;
  Conditions?: Record<string, unknown>;
  [key: string]: unknown;
}

export type Ref = { Ref: string };
export type GetAtt = { 'Fn::GetAtt': [string, string] };
export type Join = { 'Fn::Join': [string, unknown[]] };
export type Sub = { 'Fn::Sub': string };

export const ref = (logicalId: string): Ref => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string): GetAtt => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const join = (separator: string, parts: unknown[]): Join => ({ 'Fn::Join': [separator, parts] });
export const sub = (text: string): Sub => ({ 'Fn::Sub': text });

export const AWS_PARTITION = ref('AWS::Partition');
export const AWS_REGION = ref('AWS::Region');
export const AWS_ACCOUNT_ID = ref('AWS::AccountId');
export const AWS_URL_SUFFIX = ref('AWS::URLSuffix');

/** `{ Ref }` or `{ 'Fn::…' }`: a value CloudFormation computes at deploy time. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition');
}

/** The API Gateway URI that invokes a Lambda function (a GetAtt, an ARN string or an intrinsic). */
export function lambdaInvocationUri(functionArn: unknown): Join {
  return join('', [
    'arn:',
    AWS_PARTITION,
    ':apigateway:',
    AWS_REGION,
    ':lambda:path/2015-03-31/functions/',
    functionArn,
    '/invocations',
  ]);
}
