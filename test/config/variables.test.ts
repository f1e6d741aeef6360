import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { WsgateError } from '../../src/errors.js';
import { serviceYaml, writeService } from './write-service.js';

async function loadCustom(customYaml: string, opts: Parameters<typeof loadService>[0] = {}, files: Record<string, string> = {}) {
  const serviceDir = writeService({ 'serverless.yml': serviceYaml(customYaml), ...files });
  const { config } = await loadService({ env: {}, ...opts, serviceDir });
  return config.custom as Record<string, unknown>;
}

async function loadError(yaml: string, opts: Parameters<typeof loadService>[0] = {}, files: Record<string, string> = {}) {
  const serviceDir = writeService({ 'serverless.yml': yaml, ...files });
  const err = await loadService({ env: {}, ...opts, serviceDir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsgateError);
  return err as WsgateError;
}

describe('self', () => {
  it('reads other values, keeps their type, and resolves what they point at first', async () => {
    const custom = await loadCustom(`custom:
  a: \${self:custom.b}
  b: \${self:custom.c}
  c: 42
  obj: \${self:custom.nested}
  nested: { x: 1, y: [true, 'z'] }
  item: \${self:custom.nested.y.1}
  svc: \${self:service}
`);
    expect(custom).toMatchObject({ a: 42, b: 42, obj: { x: 1, y: [true, 'z'] }, item: 'z', svc: 'svc' });
  });

  it('resolves nested variables in the address', async () => {
    const custom = await loadCustom(
      `custom:
  dev: { table: dev-table }
  prod: { table: prod-table }
  table: \${self:custom.\${sls:stage}.table}
`,
      { stage: 'prod' },
    );
    expect(custom.table).toBe('prod-table');
  });

  it('builds longer strings from several variables, numbers and booleans included', async () => {
    const custom = await loadCustom(`custom:
  n: 3
  b: true
  s: name-\${self:custom.n}-\${self:custom.b}-\${sls:stage}
`);
    expect(custom.s).toBe('name-3-true-dev');
  });

  it('rejects an object inside a longer string', async () => {
    const err = await loadError(serviceYaml(`custom:
  o: { a: 1 }
  s: x-\${self:custom.o}
`));
    expect(err.code).toBe('NON_STRING_VARIABLE_RESULT');
    expect(err.path).toBe('custom.s');
    expect(err.location?.line).toBe(11); // line 9 is `custom:`
  });

  it('leaves CloudFormation ${} references and ${foo} text alone', async () => {
    const custom = await loadCustom(`custom:
  sub: arn:aws:s3:::\${AWS::Region}-\${Bucket.Arn}
  plain: \${foo}
`);
    expect(custom).toMatchObject({ sub: 'arn:aws:s3:::${AWS::Region}-${Bucket.Arn}', plain: '${foo}' });
  });
});

describe('opt', () => {
  it('reads any CLI option, stage and region included', async () => {
    const custom = await loadCustom(
      `custom:
  mode: \${opt:mode}
  stage: \${opt:stage}
  region: \${opt:region}
  verbose: \${opt:verbose}
`,
      { stage: 'qa', region: 'eu-west-1', cliOptions: { mode: 'fast', verbose: true } },
    );
    expect(custom).toEqual({ mode: 'fast', stage: 'qa', region: 'eu-west-1', verbose: true });
  });

  it('falls back through sources: ${opt:stage, self:provider.stage, "dev"}', async () => {
    const yaml = `service: svc
provider:
  name: aws
  stage: staging
custom:
  a: \${opt:stage, self:provider.stage, 'dev'}
  b: \${opt:nope, self:custom.missing, 'dev'}
functions: {}
`;
    const dir = writeService({ 'serverless.yml': yaml });
    const { config, model } = await loadService({ serviceDir: dir, env: {} });
    expect(config.custom).toEqual({ a: 'staging', b: 'dev' });
    expect(model.stage).toBe('staging');
  });
});

describe('env', () => {
  it('reads the environment; an unset or empty variable takes the fallback', async () => {
    const custom = await loadCustom(
      `custom:
  set: \${env:TOKEN}
  unset: \${env:NOPE, 'default'}
  empty: \${env:EMPTY, "fallback"}
  num: \${env:NOPE, 10}
  bool: \${env:NOPE, false}
  nul: \${env:NOPE, null}
`,
      { env: { TOKEN: 'abc', EMPTY: '' } },
    );
    expect(custom).toEqual({ set: 'abc', unset: 'default', empty: 'fallback', num: 10, bool: false, nul: null });
  });

  it('reports a missing variable without fallback, with its path and line', async () => {
    const err = await loadError(serviceYaml(`custom:
  ok: 1
  token: \${env:MISSING_TOKEN}
`));
    expect(err.code).toBe('MISSING_VARIABLE_RESULT');
    expect(err.path).toBe('custom.token');
    expect(err.message).toBe('Cannot resolve variable at "custom.token": Value not found at "env" source');
    expect(err.location).toMatchObject({ line: 11, column: 3 }); // the key `token:`; line 9 is `custom:`
    expect(err.location?.file).toMatch(/serverless\.yml$/);
  });
});

describe('sls', () => {
  it('stage comes from --stage, then provider.stage, then dev; instanceId is stable within a load', async () => {
    const a = await loadCustom(`custom:
  stage: \${sls:stage}
  id1: \${sls:instanceId}
  id2: \${sls:instanceId}
`);
    expect(a.stage).toBe('dev');
    expect(a.id1).toEqual(expect.any(String));
    expect(a.id1).toBe(a.id2);
    const b = await loadCustom('custom:\n  stage: ${sls:stage}\n', { stage: 'prod' });
    expect(b.stage).toBe('prod');
  });

  it('rejects an unknown address', async () => {
    const err = await loadError(serviceYaml('custom:\n  x: ${sls:nope}\n'));
    expect(err.code).toBe('UNSUPPORTED_SLS_SOURCE_ADDRESS');
    expect(err.path).toBe('custom.x');
  });
});

describe('file', () => {
  const files = {
    'config/x.yml': 'a:\n  b: from-yaml\n  list: [1, 2]\nref: ${self:service}\n',
    'config/x.json': '{ "a": { "b": "from-json", "n": 5 } }',
    'notes.txt': 'plain text',
  };

  it('includes whole YAML files, JSON addresses and text files; variables inside are resolved', async () => {
    const custom = await loadCustom(
      `custom:
  whole: \${file(./config/x.yml)}
  json: \${file(./config/x.json):a.b}
  num: \${file(./config/x.json):a.n}
  text: \${file(./notes.txt)}
  missing: \${file(./nope.yml), 'fallback'}
  missingKey: \${file(./config/x.json):a.zz, 'fb'}
  fromFile: \${self:custom.whole.a.b}
`,
      {},
      files,
    );
    expect(custom).toEqual({
      whole: { a: { b: 'from-yaml', list: [1, 2] }, ref: 'svc' },
      json: 'from-json',
      num: 5,
      text: 'plain text',
      missing: 'fallback',
      missingKey: 'fb',
      fromFile: 'from-yaml',
    });
  });

  it('takes the file name from a variable', async () => {
    const custom = await loadCustom('custom:\n  v: ${file(./config/${opt:name}.json):a.b}\n', { cliOptions: { name: 'x' } }, files);
    expect(custom.v).toBe('from-json');
  });

  it('reports a missing file without fallback', async () => {
    const err = await loadError(serviceYaml('custom:\n  v: ${file(./nope.yml)}\n'));
    expect(err.code).toBe('MISSING_VARIABLE_RESULT');
    expect(err.message).toContain('Value not found at "file" source');
  });

  it('points errors inside an included file at that file', async () => {
    const err = await loadError(serviceYaml('custom: ${file(./custom.yml)}\n'), {}, { 'custom.yml': 'a: 1\nb:\n  c: ${env:MISSING_C}\n' });
    expect(err.code).toBe('MISSING_VARIABLE_RESULT');
    expect(err.path).toBe('custom.b.c');
    expect(err.location?.file).toMatch(/custom\.yml$/);
    expect(err.location?.line).toBe(3);
  });

  it('points validation errors in included functions at the included file', async () => {
    const yaml = 'service: svc\nprovider:\n  name: aws\nfunctions: ${file(./functions.yml):functions}\n';
    const functionsYaml = 'functions:\n  a:\n    handler: h.a\n    events:\n      - websocket:\n          route: $connect\n          authorizer: nope\n';
    const err = await loadError(yaml, {}, { 'functions.yml': functionsYaml });
    expect(err.code).toBe('FUNCTION_MISSING_IN_SERVICE');
    expect(err.path).toBe('functions.a.events[0].websocket.authorizer');
    expect(err.location?.file).toMatch(/functions\.yml$/);
    expect(err.location?.line).toBe(7);
  });

  it('refuses files outside the service folder', async () => {
    const err = await loadError(serviceYaml('custom:\n  v: ${file(../outside.yml)}\n'));
    expect(err.code).toBe('FILE_SOURCE_PATH_OUTSIDE_OF_SERVICE');
  });

  it('reports a file that does not parse', async () => {
    const err = await loadError(serviceYaml('custom:\n  v: ${file(./bad.yml)}\n'), {}, { 'bad.yml': 'a: [1, 2\n' });
    expect(err.code).toBe('FILE_PARSE_ERROR');
    expect(err.path).toBe('custom.v');
  });
});

describe('strToBool', () => {
  it('turns "true"/"1" and "false"/"0" into booleans, also from a variable', async () => {
    const custom = await loadCustom(
      `custom:
  t: \${strToBool(true)}
  f: \${strToBool(0)}
  e: \${strToBool(\${env:FLAG})}
`,
      { env: { FLAG: 'false' } },
    );
    expect(custom).toEqual({ t: true, f: false, e: false });
  });

  it('rejects other input', async () => {
    const err = await loadError(serviceYaml('custom:\n  v: ${strToBool(yes)}\n'));
    expect(err.code).toBe('INVALID_STR_TO_BOOL_SOURCE_VALUE');
  });
});

describe('param', () => {
  it('reads --param, then params.<stage>, then params.default', async () => {
    const custom = await loadCustom(
      `params:
  prod: { domain: prod.example.com }
  default: { domain: example.com, color: blue }
custom:
  domain: \${param:domain}
  color: \${param:color}
  cli: \${param:cli}
`,
      { stage: 'prod', cliOptions: { param: 'cli=given' } },
    );
    expect(custom).toEqual({ domain: 'prod.example.com', color: 'blue', cli: 'given' });
  });
});

describe('sources that need AWS', () => {
  it('resolve to their fallback when no local value is given', async () => {
    const custom = await loadCustom(`custom:
  a: \${ssm:/path/to/param, 'local'}
  b: \${cf:stack.Output, env:NOPE, 7}
  c: \${s3:bucket/key, 'x'}
  region: \${aws:region}
`);
    expect(custom).toEqual({ a: 'local', b: 7, c: 'x', region: 'us-east-1' });
  });

  it('fail without a fallback or local value, saying how to give one', async () => {
    const err = await loadError(serviceYaml('custom:\n  a: ${ssm:/path/to/param}\n'));
    expect(err.code).toBe('VARIABLES_LOCAL_VALUE_MISSING');
    expect(err.message).toContain('${ssm:/path/to/param} has no local value');
    expect(err.hint).toContain("custom: { wsgate: { variables: { 'ssm:/path/to/param'");
    expect(err.hint).toContain("--var 'ssm:/path/to/param=");
  });
});

describe('cycles and syntax', () => {
  it('detects a value referring to itself', async () => {
    const err = await loadError(serviceYaml('custom:\n  a: ${self:custom.a}\n'));
    expect(err.code).toBe('CIRCULAR_PROPERTY_DEPENDENCY');
    expect(err.path).toBe('custom.a');
  });

  it('detects a cycle across values and reports it once', async () => {
    const err = await loadError(serviceYaml(`custom:
  a: \${self:custom.b}
  b: \${self:custom.c}
  c: x-\${self:custom.a}
`));
    expect(err.code).toBe('CIRCULAR_PROPERTY_DEPENDENCY');
    expect(err.issues).toHaveLength(1);
    expect(err.message).toContain('custom.a → custom.b → custom.c → custom.a');
  });

  it('detects a value depending on its own parent', async () => {
    const err = await loadError(serviceYaml('custom:\n  a: ${self:custom}\n'));
    expect(err.code).toBe('CIRCULAR_PROPERTY_DEPENDENCY');
  });

  it('reports every variable failure at once', async () => {
    const err = await loadError(serviceYaml(`custom:
  a: \${env:NOPE_A}
  b: \${opt:nope}
  c: \${unknown:x}
`));
    expect(err.issues.map((i) => [i.code, i.path, i.location?.line])).toEqual([
      ['MISSING_VARIABLE_RESULT', 'custom.a', 10],
      ['MISSING_VARIABLE_RESULT', 'custom.b', 11],
      ['VARIABLES_UNKNOWN_SOURCE', 'custom.c', 12],
    ]);
  });

  it('rejects unquoted text as a fallback and unterminated variables', async () => {
    const a = await loadError(serviceYaml('custom:\n  a: ${env:X, dev}\n'));
    expect(a.code).toBe('INVALID_VARIABLE_LITERAL_SOURCE');
    const b = await loadError(serviceYaml('custom:\n  a: ${env:X\n'));
    expect(b.code).toBe('UNTERMINATED_VARIABLE');
  });
});
