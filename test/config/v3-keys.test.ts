import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { writeService } from './write-service.js';

async function warningsOf(yaml: string) {
  const serviceDir = writeService({ 'serverless.yml': yaml });
  return (await loadService({ env: {}, serviceDir })).warnings;
}

// Keys of Serverless 3.40's own schema (core and AWS provider) that wsgate has no use for.
const MANY_V3_KEYS = `service: svc
frameworkVersion: '3'
configValidationMode: error
deprecationNotificationMode: warn:summary
disabledDeprecations: '*'
projectDir: ./
dashboard: { disableMonitoring: true }
provider:
  name: aws
  runtime: nodejs22.x
  deploymentMethod: direct
  endpointType: REGIONAL
  apiName: my-rest-api
  disableRollback: true
  kmsKeyArn: arn:aws:kms:us-east-1:123456789012:key/abc
  lambdaHashingVersion: '20201221'
  notificationArns: [arn:aws:sns:us-east-1:123456789012:deploys]
  rolePermissionsBoundary: arn:aws:iam::123456789012:policy/boundary
  stackParameters: [{ ParameterKey: Key, ParameterValue: value }]
  stackPolicy: [{ Effect: Allow, Principal: '*', Action: 'Update:*', Resource: '*' }]
  rollbackConfiguration: { MonitoringTimeInMinutes: 5 }
  tracing: { lambda: true, apiGateway: true }
  vpc: { securityGroupIds: [sg-1], subnetIds: [subnet-1] }
  vpcEndpointIds: [vpce-1]
  ecr: { images: { app: { path: ./ } } }
  eventBridge: { useCloudFormation: true }
  httpApi: { cors: true, payload: '2.0' }
  alb: { targetGroupPrefix: x }
  cloudFront: { cachePolicies: {} }
  kinesis: { consumerNamingMode: serviceSpecific }
  s3: { photos: { name: photos-bucket } }
  cfnRole: arn:aws:iam::123456789012:role/cfn
  runtimeManagement: auto
  layers: [arn:aws:lambda:us-east-1:123456789012:layer:shared:1]
  apiGateway:
    restApiId: abc123
    restApiRootResourceId: root
    apiKeys: [key]
    binaryMediaTypes: ['*/*']
    minimumCompressionSize: 1024
    shouldStartNameWithService: true
    metrics: true
  deploymentBucket:
    name: my-bucket
    maxPreviousDeploymentArtifacts: 10
    versioning: true
    skipPolicySetup: true
  logs:
    frameworkLambda: true
    httpApi: true
    restApi: { accessLogging: true, level: INFO, format: x }
functions:
  hello:
    handler: handler.hello
    layers: [arn:aws:lambda:us-east-1:123456789012:layer:shared:1, { Ref: CommonLambdaLayer }]
    logRetentionInDays: 14
    reservedConcurrency: 5
    provisionedConcurrency: 1
    ephemeralStorageSize: 1024
    maximumRetryAttempts: 1
    maximumEventAge: 60
    onError: arn:aws:sns:us-east-1:123456789012:errors
    destinations: { onFailure: arn:aws:sqs:us-east-1:123456789012:dlq }
    snapStart: true
    url: true
    disableLogs: false
    versionFunction: false
    dependsOn: [MyQueue]
    condition: IsProd
    tracing: Active
    vpc: { securityGroupIds: [sg-1], subnetIds: [subnet-1] }
    fileSystemConfig: { localMountPath: /mnt/efs, arn: arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1 }
    events:
      - websocket: $default
      - http: { path: hello, method: get }
      - httpApi: 'GET /hello'
      - stream: { type: dynamodb, arn: arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1 }
      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
      - sns: topic
      - schedule: rate(1 minute)
      - s3: photos
      - eventBridge: { pattern: { source: [app] } }
      - cloudwatchEvent: { event: { source: [aws.ec2] } }
      - cloudwatchLog: /aws/lambda/other
      - iot: { sql: "SELECT * FROM 'topic'" }
      - alb: { listenerArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2, priority: 1, conditions: { path: /x } }
      - cognitoUserPool: { pool: users, trigger: PreSignUp }
      - kafka: { accessConfigurations: { saslScram512Auth: arn:x }, topic: t, bootstrapServers: [b:9092] }
      - msk: { arn: arn:aws:kafka:us-east-1:123456789012:cluster/c/1, topic: t }
      - activemq: { arn: arn:mq, queue: q, basicAuthArn: arn:secret }
      - rabbitmq: { arn: arn:mq, queue: q, basicAuthArn: arn:secret }
      - alexaSkill: amzn1.ask.skill.1
      - alexaSmartHome: amzn1.ask.skill.2
      - cloudFront: { eventType: viewer-request, origin: s3://bucket.s3.amazonaws.com/files }
      - iotFleetProvisioning: { templateBody: {}, provisioningRoleArn: arn:role }
layers:
  common:
    path: layer
    compatibleRuntimes: [nodejs22.x]
package:
  patterns: ['!test/**']
  excludeDevDependencies: true
params:
  prod: { domain: example.com }
`;

describe('the keys Serverless 3.40 accepts', () => {
  it('a service using many of them loads with no "unknown" finding', async () => {
    const warnings = await warningsOf(MANY_V3_KEYS);
    expect(warnings.filter((w) => /UNKNOWN/.test(w.code))).toEqual([]);
    // Events wsgate does not run are still named, as "not a websocket event": every one but websocket and
    // stream (DynamoDB streams run in wsgate dev).
    const unsupported = warnings.filter((w) => w.code === 'CONFIG_UNSUPPORTED_EVENT');
    expect(unsupported).toHaveLength(20);
    expect(unsupported.some((w) => w.path?.endsWith('.stream'))).toBe(false);
  });

  it('a truly unknown key is still reported, with its path and line', async () => {
    const yaml = MANY_V3_KEYS.replace('  deploymentMethod: direct\n', '  deploymentMethod: direct\n  deploymentMethd: changesets\n').replace('    logRetentionInDays: 14\n', '    logRetentionInDays: 14\n    logRetention: 14\n');
    const unknown = (await warningsOf(yaml)).filter((w) => w.code === 'CONFIG_UNKNOWN_PROPERTY');
    expect(unknown.map((w) => [w.path, w.location?.line]).sort()).toEqual([
      ['functions.hello.logRetention', yaml.split('\n').indexOf('    logRetention: 14') + 1],
      ['provider.deploymentMethd', yaml.split('\n').indexOf('  deploymentMethd: changesets') + 1],
    ]);
  });

  it('an event type v3 does not define is reported as unknown', async () => {
    const yaml = 'service: svc\nprovider:\n  name: aws\nfunctions:\n  hello:\n    handler: h.hello\n    events:\n      - websockets: $default\n';
    const [warning] = (await warningsOf(yaml)).filter((w) => w.code === 'CONFIG_UNKNOWN_EVENT');
    expect(warning?.path).toBe('functions.hello.events[0].websockets');
  });
});

describe('frameworkVersion', () => {
  const withVersion = (version: string) => `service: svc\nframeworkVersion: '${version}'\nprovider:\n  name: aws\n`;

  it.each(['2', '>=4', '^4.0.0'])('%s, which excludes v3, gets the message v3 gives', async (version) => {
    const [warning] = (await warningsOf(withVersion(version))).filter((w) => w.code === 'FRAMEWORK_VERSION_MISMATCH');
    expect(warning?.message).toBe(`The Serverless version (3.40.0) does not satisfy the "frameworkVersion" (${version}) in serverless.yml`);
    expect(warning?.location?.line).toBe(2);
  });

  it.each(['3', '^3.38.0', '>=2 <4'])('%s, which admits v3, passes', async (version) => {
    expect((await warningsOf(withVersion(version))).filter((w) => /FRAMEWORK_VERSION/.test(w.code))).toEqual([]);
  });

  it('a value that is no version range gets v3\'s warning', async () => {
    const [warning] = (await warningsOf(withVersion('three'))).filter((w) => w.code === 'INVALID_FRAMEWORK_VERSION');
    expect(warning?.message).toBe('Configured "frameworkVersion" does not represent a valid semver version range, version validation is skipped');
  });
});

describe('deprecated runtimes', () => {
  it('get a note with AWS\'s deprecation date, once per runtime', async () => {
    const yaml = 'service: svc\nprovider:\n  name: aws\n  runtime: nodejs12.x\nfunctions:\n  a:\n    handler: h.a\n    runtime: nodejs20.x\n  b:\n    handler: h.b\n    runtime: nodejs22.x\n';
    const notes = (await warningsOf(yaml)).filter((w) => w.code === 'RUNTIME_DEPRECATED');
    expect(notes.map((w) => w.path)).toEqual(['provider.runtime', 'functions.a.runtime']);
    expect(notes[0]!.message).toContain('nodejs12.x was deprecated by AWS Lambda on 2023-03-31');
    expect(notes[1]!.message).toContain('nodejs20.x was deprecated by AWS Lambda on 2026-04-30');
  });

  it('cover the runtimes whose projected dates in AWS\'s table have passed, with a supported runtime to move to', async () => {
    const yaml = 'service: svc\nprovider:\n  name: aws\n  runtime: python3.11\nfunctions:\n  a:\n    handler: h.a\n    runtime: provided.al2\n  b:\n    handler: h.b\n    runtime: python3.12\n';
    const notes = (await warningsOf(yaml)).filter((w) => w.code === 'RUNTIME_DEPRECATED');
    expect(notes.map((w) => w.path)).toEqual(['provider.runtime', 'functions.a.runtime']);
    expect(notes[0]!.message).toContain('python3.11 was deprecated by AWS Lambda on 2026-06-30');
    expect(notes[0]!.hint).toContain('python3.12');
    expect(notes[1]!.message).toContain('provided.al2 was deprecated by AWS Lambda on 2026-06-30');
    expect(notes[1]!.hint).toContain('provided.al2023');
  });
});
