import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { WsgateError } from '../../src/errors.js';
import { writeService } from './write-service.js';

// The account id the local gateway puts into ARNs (its authorizer methodArn, Lambda ARNs).
const LOCAL_ACCOUNT_ID = '123456789012';

const service = (extra: string) => `service: chat
provider:
  name: aws
  region: eu-west-1
functions:
  send-message:
    handler: handler.send
    events:
      - websocket: $default
${extra}`;

async function load(yaml: string, opts: Parameters<typeof loadService>[0] = {}) {
  const serviceDir = writeService({ 'serverless.yml': yaml });
  return loadService({ env: {}, ...opts, serviceDir });
}

async function loadError(yaml: string, opts: Parameters<typeof loadService>[0] = {}) {
  const err = await load(yaml, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsgateError);
  return err as WsgateError;
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('${aws:…}', () => {
  it('accountId is the local account id and region the region in effect', async () => {
    const { config } = await load(service('custom:\n  account: ${aws:accountId}\n  region: ${aws:region}\n  arn: arn:aws:sqs:${aws:region}:${aws:accountId}:jobs\n'), { region: 'ap-south-1' });
    expect(config.custom).toEqual({ account: LOCAL_ACCOUNT_ID, region: 'ap-south-1', arn: `arn:aws:sqs:ap-south-1:${LOCAL_ACCOUNT_ID}:jobs` });
  });

  it('package keeps the account id for CloudFormation: a pseudo parameter, joined into longer text', async () => {
    const { config } = await load(service('custom:\n  account: ${aws:accountId}\n  arn: arn:aws:sqs:${aws:region}:${aws:accountId}:jobs\n'), { variableMode: 'package' });
    expect(config.custom).toEqual({
      account: { Ref: 'AWS::AccountId' },
      arn: { 'Fn::Join': ['', ['arn:aws:sqs:eu-west-1:', { Ref: 'AWS::AccountId' }, ':jobs']] },
    });
  });

  it('another address is refused with v3\'s code', async () => {
    const err = await loadError(service('custom:\n  x: ${aws:partition}\n'));
    expect(err.code).toBe('UNSUPPORTED_AWS_SOURCE_ADDRESS');
  });
});

describe('${cf:<own stack>.<Output>}', () => {
  it('ServiceEndpointWebsocket is the local gateway\'s wss:// stage URL; other outputs are the local equivalents', async () => {
    const yaml = service(`custom:
  url: \${cf:chat-dev.ServiceEndpointWebsocket}
  bucket: \${cf:chat-dev.ServerlessDeploymentBucketName}
  fn: \${cf:chat-dev.SendDashmessageLambdaFunctionQualifiedArn}
`);
    const { config } = await load(yaml, { gatewayEndpoint: { host: '127.0.0.1', port: 4123 } });
    expect(config.custom).toEqual({
      url: 'wss://127.0.0.1:4123/dev',
      bucket: 'chat-dev-serverlessdeploymentbucket-local',
      fn: `arn:aws:lambda:eu-west-1:${LOCAL_ACCOUNT_ID}:function:chat-dev-send-message:$LATEST`,
    });
  });

  it('the own stack follows --stage and provider.stackName', async () => {
    const yaml = service('custom:\n  url: ${cf:chat-stack.ServiceEndpointWebsocket}\n').replace('  region: eu-west-1\n', '  region: eu-west-1\n  stackName: chat-stack\n');
    const { config } = await load(yaml, { stage: 'prod' });
    expect(config.custom).toEqual({ url: 'wss://127.0.0.1:3001/prod' });
  });

  it('package writes the endpoint as the template\'s own output value', async () => {
    const { config } = await load(service('custom:\n  url: ${cf:chat-dev.ServiceEndpointWebsocket}\n'), { variableMode: 'package' });
    expect(config.custom).toEqual({
      url: { 'Fn::Join': ['', ['wss://', { Ref: 'WebsocketsApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/dev']] },
    });
  });

  it('with a gateway port chosen at listen time (0), the endpoint needs a local value', async () => {
    const err = await loadError(service('custom:\n  url: ${cf:chat-dev.ServiceEndpointWebsocket}\n'), { gatewayEndpoint: { host: '127.0.0.1', port: 0 } });
    expect(err.code).toBe('VARIABLES_LOCAL_VALUE_MISSING');
    expect(err.message).toContain('port 0');
  });

  it('an output of another stack needs a local value: the error names variable, file, line, path and the fix', async () => {
    const yaml = service('custom:\n  other: ${cf:billing-dev.ApiUrl}\n');
    const err = await loadError(yaml);
    expect(err.code).toBe('VARIABLES_LOCAL_VALUE_MISSING');
    expect(err.message).toContain('${cf:billing-dev.ApiUrl}');
    expect(err.path).toBe('custom.other');
    expect(err.location?.file).toMatch(/serverless\.yml$/);
    expect(err.location?.line).toBe(lineOf(yaml, 'other:'));
    expect(err.hint).toContain("'cf:billing-dev.ApiUrl'");
  });
});

describe('local values of AWS-only variables', () => {
  const yaml = service(`custom:
  key: \${ssm:/app/key}
  list: \${ssm:/app/list}
  listRaw: \${ssm(raw):/app/list}
  regional: \${ssm(us-east-1):/app/key}
  other: \${cf:billing-dev.ApiUrl}
  object: \${s3:config-bucket/settings.json}
  withFallback: \${ssm:/app/missing, 'default'}
  wsgate:
    variables:
      'ssm:/app/key': from-config
      'ssm:/app/list': [a, b]
      'cf:billing-dev.ApiUrl': http://127.0.0.1:4000
      's3:config-bucket/settings.json': '{"on":true}'
`);

  it('come from custom.wsgate.variables keyed by the variable text; fallbacks apply when there is none', async () => {
    const { config } = await load(yaml);
    const { wsgate: _, ...custom } = config.custom as Record<string, unknown>;
    expect(custom).toEqual({
      key: 'from-config',
      list: ['a', 'b'],
      listRaw: 'a,b',
      regional: 'from-config',
      other: 'http://127.0.0.1:4000',
      object: '{"on":true}',
      withFallback: 'default',
    });
  });

  it('--var wins over the configuration, and is repeatable', async () => {
    const { config } = await load(yaml, { cliOptions: { var: 'ssm:/app/key=from-cli\nssm:/app/missing=a=b' } });
    expect(config.custom).toMatchObject({ key: 'from-cli', withFallback: 'a=b' });
  });

  it('a local value also overrides wsgate\'s own (aws:accountId)', async () => {
    const { config } = await load(service("custom:\n  a: ${aws:accountId}\n  wsgate:\n    variables:\n      'aws:accountId': '210987654321'\n"));
    expect((config.custom as Record<string, unknown>).a).toBe('210987654321');
  });

  it('a --var without "=" is refused', async () => {
    const err = await loadError(yaml, { cliOptions: { var: 'ssm:/app/key' } });
    expect(err.code).toBe('CLI_INVALID_OPTION');
  });
});

describe('${cf:<own stack>.<Output>} of resources.Outputs', () => {
  const yaml = service(`custom:
  plain: \${cf:chat-dev.Plain}
  computed: \${cf:chat-dev.QueueUrl, 'no-local-value'}
resources:
  Outputs:
    Plain: { Value: plain-text }
    QueueUrl: { Value: { Ref: JobsQueue } }
`);

  it('dev: a plain value is used; a CloudFormation expression has no local value', async () => {
    const { config } = await load(yaml);
    expect(config.custom).toEqual({ plain: 'plain-text', computed: 'no-local-value' });
  });

  it("package: the output's own expression", async () => {
    const { config } = await load(yaml, { variableMode: 'package' });
    expect(config.custom).toEqual({ plain: 'plain-text', computed: { Ref: 'JobsQueue' } });
  });
});
