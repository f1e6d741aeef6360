import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT } from '../../src/config/model.js';
import { writeService } from './write-service.js';

async function loadModel(yaml: string, opts: Parameters<typeof loadService>[0] = {}) {
  const serviceDir = writeService({ 'serverless.yml': yaml });
  return (await loadService({ env: {}, ...opts, serviceDir })).model;
}

describe('normalized ServiceModel', () => {
  it('applies Serverless v3 defaults', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
functions:
  connect:
    handler: src/h.connect
    events:
      - websocket: $connect
`);
    expect(model.stage).toBe('dev');
    expect(model.region).toBe('us-east-1');
    expect(model.provider).toMatchObject({
      name: 'aws',
      runtime: 'nodejs16.x',
      memorySize: 1024,
      timeout: 6,
      environment: {},
      tags: {},
      stackTags: {},
      iamRoleStatements: [],
      iamManagedPolicies: [],
      deploymentPrefix: 'serverless',
      versionFunctions: true,
      restApiLogsRoleManagedExternally: false,
    });
    expect(model.websocket).toMatchObject({
      apiName: 'dev-chat-websockets',
      routeSelectionExpression: '$request.body.action',
      description: 'Serverless Websockets',
      useProviderTags: false,
      logs: undefined,
    });
    expect(model.functions.get('connect')).toMatchObject({ name: 'chat-dev-connect', runtime: 'nodejs16.x', memorySize: 1024, timeout: 6 });
  });

  it('lets provider then function settings override defaults; environment and tags merge, function wins', async () => {
    const model = await loadModel(
      `service: chat
provider:
  name: aws
  stage: \${opt:stage, 'dev'}
  runtime: nodejs20.x
  memorySize: 512
  timeout: 10
  environment: { A: provider, B: provider, N: 1 }
  tags: { team: core }
  stackTags: { cost: ws }
  websocketsApiName: my-api
  websocketsApiRouteSelectionExpression: $request.body.route
  websocketsDescription: Chat API
  websocket: { useProviderTags: true }
  apiGateway: { websocketApiId: abc123 }
  deploymentBucket: { name: my-bucket, serverSideEncryption: AES256 }
  iam:
    role:
      statements:
        - { Effect: Allow, Action: ['dynamodb:*'], Resource: '*' }
functions:
  send:
    handler: h.send
    name: custom-send
    runtime: nodejs22.x
    memorySize: 256
    timeout: 29
    description: Sends
    environment: { B: function, REF: { Ref: Table } }
    tags: { fn: send }
    events:
      - websocket: sendmessage
`,
      { stage: 'prod' },
    );
    expect(model.stage).toBe('prod');
    expect(model.websocket).toMatchObject({
      apiName: 'my-api',
      routeSelectionExpression: '$request.body.route',
      description: 'Chat API',
      useProviderTags: true,
      externalApiId: 'abc123',
    });
    expect(model.provider.deploymentBucket).toEqual({ name: 'my-bucket', serverSideEncryption: 'AES256', blockPublicAccess: undefined, tags: undefined });
    expect(model.provider.iamRoleStatements).toEqual([{ Effect: 'Allow', Action: ['dynamodb:*'], Resource: '*' }]);
    expect(model.provider.iamRole).toBeUndefined();
    expect(model.functions.get('send')).toMatchObject({
      name: 'custom-send',
      runtime: 'nodejs22.x',
      memorySize: 256,
      timeout: 29,
      description: 'Sends',
      environment: { A: 'provider', B: 'function', N: '1', REF: { Ref: 'Table' } },
      tags: { team: 'core', fn: 'send' },
      websocketRouteKeys: ['sendmessage'],
    });
  });

  it('takes whole numbers written as text (what ${env:…} yields) and a numeric frameworkVersion', async () => {
    const model = await loadModel(
      `service: chat
frameworkVersion: 3
provider:
  name: aws
  memorySize: \${env:MEMORY}
  timeout: \${env:TIMEOUT}
  logRetentionInDays: '14'
functions: {}
`,
      { env: { MEMORY: '2048', TIMEOUT: '20' } },
    );
    expect(model.frameworkVersion).toBe('3');
    expect(model.provider).toMatchObject({ memorySize: 2048, timeout: 20, logRetentionInDays: 14 });
  });

  it('an existing role as iam.role is kept as iamRole', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
  iam:
    role: arn:aws:iam::123456789012:role/existing
functions: {}
`);
    expect(model.provider.iamRole).toBe('arn:aws:iam::123456789012:role/existing');
    expect(model.provider.iamRoleStatements).toEqual([]);
  });

  it('authorizers become a tagged union by the rules of spec §8.4', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
functions:
  connect:
    handler: h.connect
    events:
      - websocket:
          route: $connect
          authorizer:
            name: auth
            identitySource:
              - route.request.querystring.token
  auth:
    handler: h.auth
`);
    const route = model.websocket.routes[0];
    expect(route.authorizer).toEqual({ kind: 'function', name: 'auth', functionKey: 'auth', identitySource: ['route.request.querystring.token'] });
    expect([...model.websocket.authorizers.entries()]).toEqual([['auth', route.authorizer]]);
  });

  it.each([
    ['auth', { kind: 'function', name: 'auth', functionKey: 'auth', identitySource: ['route.request.header.Auth'] }],
    [
      'arn:aws:lambda:us-east-1:123456789012:function:shared-auth',
      { kind: 'arn', arn: 'arn:aws:lambda:us-east-1:123456789012:function:shared-auth', name: 'shared-auth', identitySource: ['route.request.header.Auth'] },
    ],
    [
      '{ arn: "arn:aws:lambda:us-east-1:123456789012:function:shared-auth:live" }',
      { kind: 'arn', arn: 'arn:aws:lambda:us-east-1:123456789012:function:shared-auth:live', name: 'live', identitySource: ['route.request.header.Auth'] },
    ],
    [
      '{ name: ext, arn: { "Fn::ImportValue": auth-arn }, identitySource: [route.request.header.X-Token] }',
      { kind: 'arn', arn: { 'Fn::ImportValue': 'auth-arn' }, name: 'ext', identitySource: ['route.request.header.X-Token'] },
    ],
  ])('authorizer %s', async (authorizer, expected) => {
    const model = await loadModel(`service: chat
provider:
  name: aws
functions:
  connect:
    handler: h.connect
    events:
      - websocket:
          route: $connect
          authorizer: ${authorizer}
  auth:
    handler: h.auth
`);
    expect(model.websocket.routes[0].authorizer).toEqual(expected);
  });

  it('routes keep config order with route response and config path', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
functions:
  b:
    handler: h.b
    events:
      - websocket:
          route: ping
          routeResponseSelectionExpression: $default
  a:
    handler: h.a
    events:
      - websocket: $default
`);
    expect([...model.functions.keys()]).toEqual(['b', 'a']);
    expect(model.websocket.routes).toEqual([
      { routeKey: 'ping', functionKey: 'b', routeResponseSelectionExpression: '$default', authorizer: undefined, configPath: 'functions.b.events[0].websocket' },
      { routeKey: '$default', functionKey: 'a', configPath: 'functions.a.events[0].websocket' },
    ]);
  });

  it('logs: true turns everything on with the default format and log group', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
  stage: qa
  logs:
    websocket: true
functions: {}
`);
    expect(model.websocket.logs).toEqual({
      accessLogging: true,
      executionLogging: true,
      fullExecutionData: true,
      level: 'INFO',
      format: DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT,
      logGroupName: '/aws/websocket/chat-qa',
    });
  });

  it('logs object form keeps given settings; false means no logs', async () => {
    const on = await loadModel(`service: chat
provider:
  name: aws
  logs:
    websocket:
      accessLogging: false
      level: ERROR
      format: $context.requestId
functions: {}
`);
    expect(on.websocket.logs).toMatchObject({ accessLogging: false, executionLogging: true, fullExecutionData: true, level: 'ERROR', format: '$context.requestId' });
    const off = await loadModel('service: chat\nprovider:\n  name: aws\n  logs:\n    websocket: false\nfunctions: {}\n');
    expect(off.websocket.logs).toBeUndefined();
  });

  it('package: legacy include before patterns, exclude kept apart, .env* left out under useDotenv; function packages', async () => {
    const model = await loadModel(`service: chat
useDotenv: true
provider:
  name: aws
package:
  patterns: ['!docs/**']
  include: [docs/keep.md]
  exclude: [secrets/**]
  artifact: build/service.zip
functions:
  plain:
    handler: h.plain
  own:
    handler: h.own
    package:
      individually: true
      include: [lib/**]
      patterns: ['!lib/*.test.js']
      exclude: [tmp/**]
      artifact: build/own.zip
`);
    // Serverless v3 applies every exclude before any include, and include before patterns.
    expect(model.package).toEqual({
      patterns: ['docs/keep.md', '!docs/**'],
      exclude: ['secrets/**', '.env*'],
      individually: false,
      excludeDevDependencies: true,
      artifact: 'build/service.zip',
    });
    expect(model.functions.get('plain')!.package).toBeUndefined();
    expect(model.functions.get('own')!.package).toEqual({
      patterns: ['lib/**', '!lib/*.test.js'],
      exclude: ['tmp/**'],
      individually: true,
      artifact: 'build/own.zip',
    });
    const withoutDotenv = await loadModel('service: chat\nprovider:\n  name: aws\nfunctions: {}\n');
    expect(withoutDotenv.package.exclude).toEqual([]);
  });

  it('package, resources (also as a list), custom and plugins', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
package:
  patterns: ['!node_modules/**', 'src/**']
  individually: true
custom:
  x: 1
plugins:
  modules: [serverless-offline]
resources:
  - Resources:
      Table: { Type: AWS::DynamoDB::Table }
  - Outputs:
      TableName: { Value: { Ref: Table } }
    Conditions:
      IsProd: { 'Fn::Equals': [a, b] }
    Parameters:
      P: { Type: String }
functions: {}
`);
    expect(model.package).toEqual({
      patterns: ['!node_modules/**', 'src/**'],
      exclude: [],
      individually: true,
      excludeDevDependencies: true,
      artifact: undefined,
    });
    expect(model.resources).toEqual({
      Resources: { Table: { Type: 'AWS::DynamoDB::Table' } },
      Outputs: { TableName: { Value: { Ref: 'Table' } } },
      Conditions: { IsProd: { 'Fn::Equals': ['a', 'b'] } },
      extra: { Parameters: { P: { Type: 'String' } } },
    });
    expect(model.custom).toEqual({ x: 1 });
    expect(model.plugins).toEqual(['serverless-offline']);
  });

  it('reads CloudFormation short-form tags as their long form', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
  environment:
    TABLE: !Ref Table
    ARN: !GetAtt Table.Arn
    URL: !Sub 'https://\${AWS::Region}.example.com'
    JOINED: !Join ['-', [a, !Ref B]]
functions: {}
`);
    expect(model.provider.environment).toEqual({
      TABLE: { Ref: 'Table' },
      ARN: { 'Fn::GetAtt': ['Table', 'Arn'] },
      URL: { 'Fn::Sub': 'https://${AWS::Region}.example.com' },
      JOINED: { 'Fn::Join': ['-', ['a', { Ref: 'B' }]] },
    });
  });

  it('reads YAML anchors and merge keys', async () => {
    const model = await loadModel(`service: chat
provider:
  name: aws
custom:
  defaults: &defaults
    memorySize: 256
    timeout: 10
functions:
  a:
    <<: *defaults
    handler: h.a
  b:
    <<: *defaults
    handler: h.b
    timeout: 20
`);
    expect([...model.functions.values()].map((f) => [f.key, f.memorySize, f.timeout])).toEqual([
      ['a', 256, 10],
      ['b', 256, 20],
    ]);
  });

  it('reads serverless.json and --config files', async () => {
    const serviceDir = writeService({
      'serverless.json': JSON.stringify({ service: 'json-svc', provider: { name: 'aws', stage: 'j' }, functions: {} }),
      'other.yml': 'service: other\nprovider:\n  name: aws\n',
    });
    expect((await loadService({ serviceDir })).model.service).toBe('json-svc');
    const other = await loadService({ serviceDir, configFile: 'other.yml' });
    expect(other.model.service).toBe('other');
    expect(other.model.configFile.endsWith('other.yml')).toBe(true);
  });

  it('reports a missing configuration file', async () => {
    const serviceDir = writeService({ 'readme.txt': '' });
    await expect(loadService({ serviceDir })).rejects.toMatchObject({ code: 'CONFIG_FILE_NOT_FOUND' });
    await expect(loadService({ serviceDir, configFile: 'nope.yml' })).rejects.toMatchObject({ code: 'CONFIG_FILE_NOT_FOUND' });
  });
});
