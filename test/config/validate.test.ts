import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { WsgateError } from '../../src/errors.js';
import { writeService } from './write-service.js';

/** 1-based line of the first line containing `marker` (expected positions come from the input text). */
function lineOf(yaml: string, marker: string, occurrence = 1): number {
  const lines = yaml.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(marker) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`marker ${marker} not in yaml`);
}

async function loadError(yaml: string): Promise<WsgateError> {
  const serviceDir = writeService({ 'serverless.yml': yaml });
  const err = await loadService({ serviceDir, env: {} }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsgateError);
  return err as WsgateError;
}

async function loadWarnings(yaml: string) {
  const serviceDir = writeService({ 'serverless.yml': yaml });
  return (await loadService({ serviceDir, env: {} })).warnings;
}

function only(err: WsgateError) {
  expect(err.issues).toHaveLength(1);
  return err.issues[0];
}

describe('cross-field rules', () => {
  it('a handler without a dot: any name for a provided.* runtime (Go, Rust: bootstrap), an error for Node and Python', async () => {
    const yaml = `service: svc
provider:
  name: aws
  runtime: provided.al2023
functions:
  goFunction:
    handler: bootstrap
    events:
      - websocket: $default
  nodeFunction:
    runtime: nodejs22.x
    handler: index
`;
    const issue = only(await loadError(yaml));
    expect(issue).toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      path: 'functions.nodeFunction.handler',
      message: 'functions.nodeFunction.handler must be a handler "path/to/file.export", got "index"',
    });
    expect(issue.hint).toMatch(/only provided\.\* runtimes take any name/);
    expect(issue.location?.line).toBe(lineOf(yaml, 'handler: index'));
  });

  it('custom.wsgate.pythonRuntimeApi other than true or false: an error at its line', async () => {
    const yaml = `service: svc
provider:
  name: aws
  runtime: python3.12
custom:
  wsgate:
    pythonRuntimeApi: yes please
functions:
  f:
    handler: handler.f
`;
    const issue = only(await loadError(yaml));
    expect(issue.path).toBe('custom.wsgate.pythonRuntimeApi');
    expect(issue.location?.line).toBe(lineOf(yaml, 'pythonRuntimeApi:'));
    expect(`${issue.message} ${issue.hint ?? ''}`).toMatch(/true|false|boolean/);
  });

  it('FUNCTION_MISSING_IN_SERVICE: an authorizer naming an unknown function', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  connect:
    handler: h.connect
    events:
      - websocket:
          route: $connect
          authorizer: auth
`;
    const issue = only(await loadError(yaml));
    expect(issue).toMatchObject({
      code: 'FUNCTION_MISSING_IN_SERVICE',
      message: 'Function "auth" doesn\'t exist in this Service',
      path: 'functions.connect.events[0].websocket.authorizer',
    });
    expect(issue.location?.line).toBe(lineOf(yaml, 'authorizer: auth'));
  });

  it('FUNCTION_MISSING_IN_SERVICE: the object form with name', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  connect:
    handler: h.connect
    events:
      - websocket:
          route: $connect
          authorizer:
            name: authorize
            identitySource: [route.request.querystring.token]
  auth:
    handler: h.auth
`;
    const issue = only(await loadError(yaml));
    expect(issue.code).toBe('FUNCTION_MISSING_IN_SERVICE');
    expect(issue.path).toBe('functions.connect.events[0].websocket.authorizer.name');
    expect(issue.location?.line).toBe(lineOf(yaml, 'name: authorize'));
  });

  it('WEBSOCKETS_MISSING_AUTHORIZER_NAME: an intrinsic arn without name', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  connect:
    handler: h.connect
    events:
      - websocket:
          route: $connect
          authorizer:
            arn: { 'Fn::ImportValue': shared-auth-arn }
`;
    const issue = only(await loadError(yaml));
    expect(issue).toMatchObject({
      code: 'WEBSOCKETS_MISSING_AUTHORIZER_NAME',
      message: 'Websocket Authorizer: Non-string "arn" needs to be accompanied with "name"',
      path: 'functions.connect.events[0].websocket.authorizer.arn',
    });
    expect(issue.location?.line).toBe(lineOf(yaml, 'arn: {'));
  });

  it('CONFIG_AUTHORIZER_NOT_ON_CONNECT: an authorizer on another route', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  send:
    handler: h.send
    events:
      - websocket:
          route: sendmessage
          authorizer: arn:aws:lambda:us-east-1:123456789012:function:auth
`;
    const issue = only(await loadError(yaml));
    expect(issue.code).toBe('CONFIG_AUTHORIZER_NOT_ON_CONNECT');
    expect(issue.path).toBe('functions.send.events[0].websocket.authorizer');
    expect(issue.location?.line).toBe(lineOf(yaml, 'authorizer:'));
  });

  it('CONFIG_DUPLICATE_ROUTE_KEY: a route key used twice, across functions and forms, is a warning (v3 deploys it)', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  a:
    handler: h.a
    events:
      - websocket: $default
  b:
    handler: h.b
    events:
      - websocket:
          route: $default
`;
    const issue = (await loadWarnings(yaml)).find((w) => w.code === 'CONFIG_DUPLICATE_ROUTE_KEY')!;
    expect(issue.path).toBe('functions.b.events[0].websocket.route');
    expect(issue.message).toContain('"a" (functions.a.events[0].websocket)');
    expect(issue.message).toContain('function "b" serves the route');
    expect(issue.location?.line).toBe(lineOf(yaml, 'route: $default'));
  });

  it('CONFIG_RESERVED_ROUTE_KEY: a custom key starting with $', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  a:
    handler: h.a
    events:
      - websocket: $connect
      - websocket: $ping
`;
    const issue = only(await loadError(yaml));
    expect(issue.code).toBe('CONFIG_RESERVED_ROUTE_KEY');
    expect(issue.path).toBe('functions.a.events[1].websocket');
    expect(issue.location?.line).toBe(lineOf(yaml, '$ping'));
  });

  it('WEBSOCKETS_INVALID_LOGS_LEVEL: with Serverless v3 text', async () => {
    const yaml = `service: svc
provider:
  name: aws
  logs:
    websocket:
      level: DEBUG
functions: {}
`;
    const issue = only(await loadError(yaml));
    expect(issue).toMatchObject({
      code: 'WEBSOCKETS_INVALID_LOGS_LEVEL',
      message: 'provider.logs.websocket.level is set to an invalid value. Support values are INFO, ERROR, got DEBUG.',
      path: 'provider.logs.websocket.level',
    });
    expect(issue.location?.line).toBe(lineOf(yaml, 'level: DEBUG'));
  });

  it('GATEWAY_INVALID_ROUTE_SELECTION_EXPRESSION at its line: API Gateway selects routes by $request.body only', async () => {
    const yaml = `service: svc
provider:
  name: aws
  websocketsApiRouteSelectionExpression: $request.header.action
functions: {}
`;
    const issue = only(await loadError(yaml));
    expect(issue).toMatchObject({ code: 'GATEWAY_INVALID_ROUTE_SELECTION_EXPRESSION', path: 'provider.websocketsApiRouteSelectionExpression' });
    expect(issue.location).toMatchObject({ file: expect.stringMatching(/serverless\.yml$/), line: lineOf(yaml, 'websocketsApiRouteSelectionExpression') });
  });

  it('WEBSOCKETS_INVALID_LOGS_FORMAT at its line, every problem at once; ignored with accessLogging off', async () => {
    const yaml = (accessLogging: boolean) => `service: svc
provider:
  name: aws
  logs:
    websocket:
      accessLogging: ${accessLogging}
      format: '$context.routeKey $context.httpMethod'
functions: {}
`;
    const err = await loadError(yaml(true));
    expect(err.issues.map((i) => i.code)).toEqual(['WEBSOCKETS_INVALID_LOGS_FORMAT', 'WEBSOCKETS_INVALID_LOGS_FORMAT']);
    expect(err.issues.map((i) => i.message).join('\n')).toMatch(/requestId[\s\S]*\$context\.httpMethod/);
    for (const issue of err.issues) {
      expect(issue).toMatchObject({ path: 'provider.logs.websocket.format', location: { line: lineOf(yaml(true), 'format:') } });
    }
    expect(await loadWarnings(yaml(false))).toEqual([]);
  });

  it('a stage is letters, digits and - (Serverless v3), from provider.stage or the stage option', async () => {
    const yaml = `service: svc
provider:
  name: aws
  stage: feature/x
functions: {}
`;
    const issue = only(await loadError(yaml));
    expect(issue).toMatchObject({ code: 'CONFIG_INVALID_VALUE', path: 'provider.stage', location: { line: lineOf(yaml, 'stage: feature/x') } });
    const serviceDir = writeService({ 'serverless.yml': 'service: svc\nprovider:\n  name: aws\nfunctions: {}\n' });
    const err = await loadService({ serviceDir, env: {}, stage: 'a b' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CLI_INVALID_OPTION', path: '--stage' });
    await expect(loadService({ serviceDir, env: {}, stage: 'prod-2' })).resolves.toMatchObject({ model: { stage: 'prod-2' } });
  });

  it('reports every rule violation at once, in file order', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  a:
    handler: h.a
    events:
      - websocket:
          route: $connect
          authorizer: nope
      - websocket:
          route: other
          authorizer: nope2
      - websocket: $connect
`;
    const err = await loadError(yaml);
    expect(err.issues.map((i) => [i.code, i.location?.line])).toEqual([
      ['FUNCTION_MISSING_IN_SERVICE', lineOf(yaml, 'authorizer: nope')],
      ['CONFIG_AUTHORIZER_NOT_ON_CONNECT', lineOf(yaml, 'authorizer: nope2')],
      ['FUNCTION_MISSING_IN_SERVICE', lineOf(yaml, 'authorizer: nope2')],
    ]);
  });
});

describe('schema', () => {
  it('reports every schema issue at once with path and line', async () => {
    const yaml = `service: svc
provider:
  name: aws
  memorySize: big
  websocketsApiName: 42
  logs:
    websocket:
      accessLogging: yes please
functions:
  a:
    handler: h.a
    timeout: 0
    events:
      - websocket:
          rout: $connect
      - websocket:
          route: ping
          routeResponseSelectionExpression: $request.body.action
  b:
    description: no handler
`;
    const err = await loadError(yaml);
    expect(err.issues.map((i) => [i.code, i.path, i.location?.line])).toEqual([
      ['CONFIG_INVALID_VALUE', 'provider.memorySize', lineOf(yaml, 'memorySize')],
      ['CONFIG_INVALID_TYPE', 'provider.websocketsApiName', lineOf(yaml, 'websocketsApiName')],
      ['CONFIG_INVALID_TYPE', 'provider.logs.websocket.accessLogging', lineOf(yaml, 'accessLogging')],
      ['CONFIG_INVALID_VALUE', 'functions.a.timeout', lineOf(yaml, 'timeout: 0')],
      ['CONFIG_MISSING_PROPERTY', 'functions.a.events[0].websocket.route', lineOf(yaml, '- websocket:')],
      ['CONFIG_UNKNOWN_PROPERTY', 'functions.a.events[0].websocket.rout', lineOf(yaml, 'rout: $connect')],
      ['CONFIG_INVALID_VALUE', 'functions.a.events[1].websocket.routeResponseSelectionExpression', lineOf(yaml, 'routeResponseSelectionExpression')],
      ['CONFIG_MISSING_PROPERTY', 'functions.b.handler', lineOf(yaml, '  b:')],
    ]);
    const unknown = err.issues.find((i) => i.code === 'CONFIG_UNKNOWN_PROPERTY');
    expect(unknown?.hint).toBe('Did you mean "route"?');
    for (const issue of err.issues) expect(issue.hint, issue.code).toMatch(/\S/);
    expect(err.issues.every((i) => i.location?.file.endsWith('serverless.yml'))).toBe(true);
  });

  it('requires provider.name aws and a valid service name', async () => {
    const yaml = `service: 1-bad
provider:
  name: google
`;
    const err = await loadError(yaml);
    expect(err.issues.map((i) => [i.code, i.path])).toEqual([
      ['CONFIG_INVALID_VALUE', 'service'],
      ['CONFIG_INVALID_VALUE', 'provider.name'],
    ]);
  });

  it('rejects malformed authorizers and identity sources', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  a:
    handler: h.a
    events:
      - websocket:
          route: $connect
          authorizer:
            name: a
            identitySource: [route.request.body.token]
  b:
    handler: h.b
    events:
      - websocket:
          route: $disconnect
          authorizer: "lambda:auth"
`;
    const err = await loadError(yaml);
    expect(err.issues.map((i) => [i.code, i.path, i.location?.line])).toEqual([
      ['CONFIG_INVALID_VALUE', 'functions.a.events[0].websocket.authorizer.identitySource[0]', lineOf(yaml, 'identitySource')],
      ['CONFIG_INVALID_VALUE', 'functions.b.events[0].websocket.authorizer', lineOf(yaml, 'lambda:auth')],
    ]);
  });

  it('rejects invalid environment variable names and function keys', async () => {
    const yaml = `service: svc
provider:
  name: aws
  environment:
    1BAD: x
functions:
  "bad key":
    handler: h.a
`;
    const err = await loadError(yaml);
    expect(err.issues.map((i) => [i.code, i.path, i.location?.line])).toEqual([
      ['CONFIG_INVALID_NAME', 'provider.environment["1BAD"]', lineOf(yaml, '1BAD')],
      ['CONFIG_INVALID_NAME', 'functions["bad key"]', lineOf(yaml, 'bad key')],
    ]);
  });

  it('reports YAML syntax errors with their line', async () => {
    const yaml = 'service: svc\nprovider:\n  name: aws\n  runtime: [nodejs20.x\n';
    const err = await loadError(yaml);
    expect(err.code).toBe('CONFIG_PARSE_ERROR');
    expect(err.location?.line).toBeGreaterThanOrEqual(4);
  });

  it('reports a duplicate key as a parse error', async () => {
    const yaml = 'service: svc\nprovider:\n  name: aws\nprovider:\n  name: aws\n';
    const err = await loadError(yaml);
    expect(err.code).toBe('CONFIG_PARSE_ERROR');
    expect(err.location?.line).toBe(4);
  });
});

describe('empty sections', () => {
  it('tolerates sections left empty, as Serverless does; an empty function entry is dropped', async () => {
    const yaml = `service: svc
provider:
  name: aws
  environment:
custom:
plugins:
package:
functions:
  gone:
  kept:
    handler: h.kept
    events:
`;
    const serviceDir = writeService({ 'serverless.yml': yaml });
    const { model } = await loadService({ serviceDir, env: {} });
    expect([...model.functions.keys()]).toEqual(['kept']);
    expect(model.websocket.routes).toEqual([]);
  });
});

describe('warnings (wsgate ignores, the load goes on)', () => {
  it('other event types, plugins, unknown provider/function keys, provider tags without useProviderTags', async () => {
    // provider.vpc and functions.*.layers are Serverless v3 keys: accepted without a finding.
    const yaml = `service: svc
plugins:
  - serverless-offline
provider:
  name: aws
  vpc: { securityGroupIds: [sg-1] }
  vpcc: { securityGroupIds: [sg-1] }
  tags:
    team: core
functions:
  a:
    handler: h.a
    layers: [arn:aws:lambda:us-east-1:1:layer:x:1]
    layer: [arn:aws:lambda:us-east-1:1:layer:x:1]
    events:
      - websocket: $default
      - http: GET /
      - schedule: rate(1 minute)
`;
    const warnings = await loadWarnings(yaml);
    expect(warnings.map((w) => [w.code, w.path, w.location?.line])).toEqual([
      ['CONFIG_UNKNOWN_PROPERTY', 'functions.a.layer', lineOf(yaml, '    layer:')],
      ['CONFIG_UNKNOWN_PROPERTY', 'provider.vpcc', lineOf(yaml, 'vpcc:')],
      ['CONFIG_UNSUPPORTED_EVENT', 'functions.a.events[1].http', lineOf(yaml, 'http:')],
      ['CONFIG_UNSUPPORTED_EVENT', 'functions.a.events[2].schedule', lineOf(yaml, 'schedule:')],
      ['CONFIG_UNKNOWN_PLUGIN', 'plugins[0]', lineOf(yaml, 'serverless-offline')],
      ['AWS_WEBSOCKET_API_USE_PROVIDER_TAGS', 'provider.tags', lineOf(yaml, 'tags:')],
    ]);
  });

  it('says what a well-known plugin left out means locally and in the package, and what to do', async () => {
    const yaml = `service: svc
plugins:
  - serverless-offline
  - serverless-python-requirements
  - serverless-iam-roles-per-function
  - serverless-some-private-plugin
provider:
  name: aws
  runtime: python3.12
functions:
  a:
    handler: h.a
    events:
      - websocket: $default
`;
    const warnings = (await loadWarnings(yaml)).filter((w) => w.code === 'CONFIG_UNKNOWN_PLUGIN');
    expect(warnings.map((w) => w.path)).toEqual(['plugins[0]', 'plugins[1]', 'plugins[2]', 'plugins[3]']);
    const [offline, requirements, roles, other] = warnings;
    expect(offline!.hint).toMatch(/run wsgate dev instead of serverless offline/);
    // The plugin bundles requirements.txt: without it the packaged zip has none of them, and the user must know.
    expect(requirements!.message).toMatch(/wsgate package leaves them out of the zip/);
    expect(requirements!.hint).toMatch(/pip install -r requirements\.txt/);
    expect(roles!.message).toMatch(/no per-function roles/);
    expect(other!.message).toBe('Plugin "serverless-some-private-plugin" is not run by wsgate: it is ignored');
    expect(other!.hint).toBeUndefined();
  });
});

describe('package settings and useDotenv', () => {
  it('wrong types: every one at once, each with its line and what to write instead', async () => {
    const yaml = `service: svc
useDotenv: 'true'
provider:
  name: aws
package:
  patterns: '!docs/**'
  individually: yes
  artifact: ''
functions:
  a:
    handler: h.a
    package:
      patterns: [src/**, ~]
      artifact: 42
`;
    const err = await loadError(yaml);
    expect(err.issues.map((i) => [i.code, i.path, i.location?.line])).toEqual([
      ['CONFIG_INVALID_TYPE', 'useDotenv', lineOf(yaml, 'useDotenv')],
      ['CONFIG_INVALID_TYPE', 'package.patterns', lineOf(yaml, "'!docs/**'")],
      ['CONFIG_INVALID_TYPE', 'package.individually', lineOf(yaml, 'individually')],
      ['CONFIG_INVALID_VALUE', 'package.artifact', lineOf(yaml, "artifact: ''")],
      ['CONFIG_INVALID_TYPE', 'functions.a.package.patterns[1]', lineOf(yaml, 'src/**')],
      ['CONFIG_INVALID_TYPE', 'functions.a.package.artifact', lineOf(yaml, 'artifact: 42')],
    ]);
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i]));
    expect(byPath.useDotenv.message).toBe('useDotenv must be true (load .env.{stage} or .env) or false, got "true"');
    expect(byPath['package.patterns'].hint).toBe('Write "patterns" as a list, even of one item: patterns: ["!docs/**"].');
    expect(byPath['package.individually'].message).toBe(
      'package.individually must be true (one zip per function) or false, got "yes"',
    );
    expect(byPath['package.artifact'].message).toContain('must be the path of a prebuilt .zip file, relative to the service folder');
    expect(byPath['functions.a.package.patterns[1]'].hint).toBe(
      'Write item 1 of functions.a.package.patterns as a glob pattern such as "src/**" or "!**/*.test.js".',
    );
  });

  it('an unknown key in package or functions.X.package is an error with the likely key (Serverless v3 rejects it too)', async () => {
    const yaml = `service: svc
provider:
  name: aws
package:
  exlude: [docs/**]
functions:
  a:
    handler: h.a
    package:
      pattern: [src/**]
`;
    const err = await loadError(yaml);
    expect(err.issues.map((i) => [i.code, i.path, i.location?.line, i.hint])).toEqual([
      ['CONFIG_UNKNOWN_PROPERTY', 'package.exlude', lineOf(yaml, 'exlude'), 'Did you mean "exclude"?'],
      ['CONFIG_UNKNOWN_PROPERTY', 'functions.a.package.pattern', lineOf(yaml, 'pattern:'), 'Did you mean "patterns"?'],
    ]);
  });

  it('function patterns that have no effect are warnings: without individually, or beside an artifact', async () => {
    const yaml = `service: svc
provider:
  name: aws
functions:
  a:
    handler: h.a
    package:
      patterns: ['!tests/**']
  b:
    handler: h.b
    package:
      individually: true
      artifact: build/b.zip
      exclude: [tmp/**]
  c:
    handler: h.c
    package:
      individually: true
      patterns: ['!tests/**']
`;
    const warnings = await loadWarnings(yaml);
    expect(warnings.map((w) => [w.code, w.path, w.location?.line])).toEqual([
      ['PACKAGE_FUNCTION_PATTERNS_IGNORED', 'functions.a.package.patterns', lineOf(yaml, 'patterns:')],
      ['PACKAGE_FUNCTION_PATTERNS_IGNORED', 'functions.b.package.exclude', lineOf(yaml, 'exclude:')],
    ]);
    expect(warnings[0].message).toMatch(/^Package patterns at function level are only applicable if package.individually is set to true/);
    expect(warnings[0].hint).toContain('functions.a.package.individually: true');
    expect(warnings[1].message).toBe('functions.b.package.exclude is not used: the function deploys from its package.artifact');
  });
});
