import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateIntrinsics, type IntrinsicScope } from '../../src/config/intrinsics/evaluate-intrinsics.js';
import { resourceAttributes, STREAM_LABEL } from '../../src/config/intrinsics/resource-attributes.js';
import { createServiceScope, localStackIdentity, serviceResourceAttributes } from '../../src/config/intrinsics/service-scope.js';
import { loadService } from '../../src/config/load.js';
import { writeService } from './write-service.js';

// The examples of the CloudFormation "Intrinsic function reference" pages, with the documentation's account.
const docsScope: IntrinsicScope = {
  pseudoParameters: { 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws', 'AWS::StackName': 'MyStack' },
  ref: (id) => ({ vpc: 'vpc-0123456789abcdef0', RootDomainName: 'example.com' })[id],
  getAtt: (id, attribute) => (id === 'myELB' && attribute === 'DNSName' ? 'my-elb-1234.us-east-1.elb.amazonaws.com' : undefined),
  importValue: (name) => (name === 'AccountSubnetIDs' ? 'subnet-a,subnet-b,subnet-c' : undefined),
  conditions: { CreateProdResources: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }, IsOther: { 'Fn::Not': [{ Condition: 'CreateProdResources' }] } },
  mappings: { RegionMap: { 'us-east-1': { HVM64: 'ami-0ff8a91507f77f867' } } },
};
const evaluate = (value: unknown) => evaluateIntrinsics(value, docsScope);

describe('evaluateIntrinsics: the examples of the CloudFormation documentation', () => {
  it('Fn::Join', () => {
    expect(evaluate({ 'Fn::Join': [':', ['a', 'b', 'c']] })).toEqual({ ok: true, value: 'a:b:c' });
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::elasticbeanstalk-*-', { Ref: 'AWS::AccountId' }]] };
    expect(evaluate(arn)).toEqual({ ok: true, value: 'arn:aws:s3:::elasticbeanstalk-*-123456789012' });
  });

  it('Fn::Sub in both forms, with ${!Literal} kept literal', () => {
    expect(evaluate({ 'Fn::Sub': ['www.${Domain}', { Domain: { Ref: 'RootDomainName' } }] })).toEqual({ ok: true, value: 'www.example.com' });
    expect(evaluate({ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${vpc}' })).toEqual({
      ok: true,
      value: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0',
    });
    expect(evaluate({ 'Fn::Sub': '${myELB.DNSName} ${!Literal}' })).toEqual({ ok: true, value: 'my-elb-1234.us-east-1.elb.amazonaws.com ${Literal}' });
  });

  it('Fn::Select, Fn::Split and Fn::ImportValue together', () => {
    expect(evaluate({ 'Fn::Select': ['1', ['apples', 'grapes', 'oranges', 'mangoes']] })).toEqual({ ok: true, value: 'grapes' });
    expect(evaluate({ 'Fn::Split': ['|', 'a|b|c'] })).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(evaluate({ 'Fn::Select': [2, { 'Fn::Split': [',', { 'Fn::ImportValue': 'AccountSubnetIDs' }] }] })).toEqual({ ok: true, value: 'subnet-c' });
  });

  it('Fn::If with conditions, AWS::NoValue removing a property, Fn::FindInMap, Fn::Base64, Fn::GetAZs', () => {
    expect(evaluate({ 'Fn::If': ['CreateProdResources', 'c1.xlarge', 'm1.small'] })).toEqual({ ok: true, value: 'c1.xlarge' });
    expect(evaluate({ 'Fn::If': ['IsOther', 'other', { Ref: 'AWS::NoValue' }] }).ok).toBe(true);
    expect(evaluate({ Name: 'x', Snapshot: { 'Fn::If': ['IsOther', 'snap', { Ref: 'AWS::NoValue' }] } })).toEqual({ ok: true, value: { Name: 'x' } });
    expect(evaluate({ 'Fn::FindInMap': ['RegionMap', { Ref: 'AWS::Region' }, 'HVM64'] })).toEqual({ ok: true, value: 'ami-0ff8a91507f77f867' });
    expect(evaluate({ 'Fn::Base64': 'AWS CloudFormation' })).toEqual({ ok: true, value: 'QVdTIENsb3VkRm9ybWF0aW9u' });
    expect(evaluate({ 'Fn::GetAZs': '' })).toEqual({ ok: true, value: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
  });

  it('names the intrinsic it cannot evaluate and why', () => {
    expect(evaluate({ 'Fn::GetAtt': ['Nowhere', 'Arn'] })).toMatchObject({ ok: false, intrinsic: 'Fn::GetAtt', reason: expect.stringContaining('Nowhere.Arn') });
    expect(evaluate({ 'Fn::ImportValue': 'other-stack-Export' })).toMatchObject({ ok: false, intrinsic: 'Fn::ImportValue' });
    expect(evaluate({ 'Fn::Join': ['', ['a', { Ref: 'AWS::NotificationARNs' }]] })).toMatchObject({ ok: false, intrinsic: 'Ref' });
    expect(evaluate({ 'Fn::Cidr': ['10.0.0.0/16', 6, 5] })).toMatchObject({ ok: false, intrinsic: 'Fn::Cidr' });
    expect(evaluate({ 'Fn::Select': ['9', ['a']] })).toMatchObject({ ok: false, intrinsic: 'Fn::Select' });
  });
});

describe('resourceAttributes and the service scope', () => {
  const yaml = `service: shop
provider:
  name: aws
  region: eu-central-1
functions:
  sendMessage:
    handler: handler.send
    events:
      - websocket: $default
resources:
  Parameters:
    Tier:
      Type: String
      Default: gold
  Resources:
    NamedTable:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: !Sub '\${AWS::StackName}-connections'
    UnnamedTable:
      Type: AWS::DynamoDB::Table
      Properties: {}
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: jobs
    Ordered:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
    Alerts:
      Type: AWS::SNS::Topic
      Properties:
        TopicName: alerts
    Uploads:
      Type: AWS::S3::Bucket
    WebsocketsApi:
      Type: AWS::ApiGatewayV2::Api
      Properties:
        Name: shop-dev-websocket-api
        ProtocolType: WEBSOCKET
`;

  async function load() {
    const dir = writeService({ 'serverless.yml': yaml, 'handler.js': '' });
    const { model } = await loadService({ configFile: path.join(dir, 'serverless.yml') });
    const identity = { region: 'eu-central-1', accountId: '123456789012', stackName: 'shop-dev', apiId: 'a1b2c3d4e5', stage: 'dev' };
    return { model, identity, scope: createServiceScope(model, identity) };
  }

  it('gives a DynamoDB table its TableName (an intrinsic itself), ARN and stream ARN', async () => {
    const { model, identity } = await load();
    expect(localStackIdentity(model)).toMatchObject({ region: 'eu-central-1', accountId: '123456789012', stackName: 'shop-dev', stage: 'dev' });
    const table = serviceResourceAttributes(model, 'NamedTable', identity);
    expect(table).toEqual({
      type: 'AWS::DynamoDB::Table',
      ref: 'shop-dev-connections',
      attributes: {
        Arn: 'arn:aws:dynamodb:eu-central-1:123456789012:table/shop-dev-connections',
        StreamArn: `arn:aws:dynamodb:eu-central-1:123456789012:table/shop-dev-connections/stream/${STREAM_LABEL}`,
      },
    });
    expect(STREAM_LABEL).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  });

  it('names an unnamed table as CloudFormation does, the same on every run', async () => {
    const { model, identity } = await load();
    const first = resourceAttributes(model, identity, 'UnnamedTable')!;
    expect(first.ref).toMatch(/^shop-dev-UnnamedTable-[A-Z0-9]{13}$/);
    expect(resourceAttributes(model, identity, 'UnnamedTable')!.ref).toBe(first.ref);
    expect(first.attributes.Arn).toBe(`arn:aws:dynamodb:eu-central-1:123456789012:table/${first.ref}`);
  });

  it('evaluates Ref and Fn::GetAtt of generated and declared resources, parameters and pseudo parameters', async () => {
    const { scope } = await load();
    const value = (v: unknown) => {
      const r = evaluateIntrinsics(v, scope);
      return r.ok ? r.value : r;
    };
    // The yaml also declares WebsocketsApi itself (real projects do, to name the API): Serverless merges it
    // into the generated API, so its Ref is still the local API's id.
    expect(value({ Ref: 'WebsocketsApi' })).toBe('a1b2c3d4e5');
    expect(value({ 'Fn::GetAtt': ['WebsocketsApi', 'ApiEndpoint'] })).toBe('wss://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com');
    expect(value({ Ref: 'WebsocketsDeploymentStage' })).toBe('dev');
    expect(value({ Ref: 'SendMessageLambdaFunction' })).toBe('shop-dev-sendMessage');
    expect(value({ 'Fn::GetAtt': ['SendMessageLambdaFunction', 'Arn'] })).toBe('arn:aws:lambda:eu-central-1:123456789012:function:shop-dev-sendMessage');
    expect(value({ Ref: 'SendMessageLogGroup' })).toBe('/aws/lambda/shop-dev-sendMessage');
    expect(value({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] })).toBe('arn:aws:iam::123456789012:role/shop-dev-eu-central-1-lambdaRole');
    expect(value({ Ref: 'Jobs' })).toBe('https://sqs.eu-central-1.amazonaws.com/123456789012/jobs');
    expect(value({ 'Fn::GetAtt': ['Jobs', 'Arn'] })).toBe('arn:aws:sqs:eu-central-1:123456789012:jobs');
    expect(value({ 'Fn::GetAtt': ['Ordered', 'QueueName'] })).toMatch(/^shop-dev-Ordered-[A-Z0-9]{12}\.fifo$/);
    expect(value({ Ref: 'Alerts' })).toBe('arn:aws:sns:eu-central-1:123456789012:alerts');
    expect(value({ Ref: 'Uploads' })).toMatch(/^shop-dev-uploads-[a-z0-9]{12}$/);
    expect(value({ Ref: 'Tier' })).toBe('gold');
    expect(value({ 'Fn::Sub': '${AWS::StackName} ${AWS::URLSuffix} ${AWS::Partition}' })).toBe('shop-dev amazonaws.com aws');
    expect(value({ Ref: 'AWS::StackId' })).toMatch(/^arn:aws:cloudformation:eu-central-1:123456789012:stack\/shop-dev\/[0-9a-f-]{36}$/);
  });
});
