import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { WsgateError } from '../../src/errors.js';
import { loadService } from '../../src/config/load.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wsgate-property-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A file that `${file(...)}` may include.
writeFileSync(path.join(dir, 'included.yml'), 'a: 1\nroute: join\nnested:\n  deep: ${self:service}\n');

const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('$connect', '$disconnect', '$default', '$bad', 'join', 'auth', 'handler.main', 'h.js', '../outside.main', '/abs.main'),
  fc.constantFrom('${self:service}', '${opt:stage}', "${env:MISSING, 'fallback'}", '${env:MISSING}', '${sls:stage}', '${self:custom.loop}'),
  fc.constantFrom('${file(./included.yml):route}', '${file(./missing.yml)}', '${file(../escape.yml)}', '${strToBool(yes)}', '${cf:stack.out}', '${', '${self:'),
);
const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(text, tie('value'), { maxKeys: 3 })),
})).value;
const websocket = fc.oneof(
  text,
  fc.record({ route: text, routeResponseSelectionExpression: fc.oneof(text, fc.constant('$default')), authorizer: fc.oneof(text, anyValue) }, { requiredKeys: [] }),
);
const fn = fc.oneof(
  anyValue,
  fc.record(
    {
      handler: text,
      events: fc.oneof(fc.array(fc.oneof(fc.record({ websocket }), anyValue), { maxLength: 3 }), anyValue),
      memorySize: fc.oneof(fc.constantFrom(128, 1024, 10240, 64, '256'), anyValue),
      timeout: anyValue,
      environment: anyValue,
    },
    { requiredKeys: [] },
  ),
);
const config = fc.record(
  {
    service: fc.oneof(fc.constant('svc'), text),
    frameworkVersion: fc.oneof(fc.constant('3'), anyValue),
    provider: fc.oneof(
      fc.record(
        {
          name: fc.oneof(fc.constant('aws'), text),
          runtime: fc.oneof(fc.constant('nodejs20.x'), text),
          stage: anyValue,
          region: anyValue,
          websocketsApiRouteSelectionExpression: fc.oneof(fc.constantFrom('$request.body.action', '${request.body.a}/x', '$request.header.x', '${'), text),
          logs: anyValue,
          environment: anyValue,
        },
        { requiredKeys: ['name'] },
      ),
      anyValue,
    ),
    functions: fc.oneof(fc.dictionary(fc.constantFrom('connect', 'auth', 'join', '__proto__', 'constructor', 'bad key'), fn, { maxKeys: 3 }), anyValue),
    custom: fc.oneof(anyValue, fc.constant({ loop: '${self:custom.loop}' })),
    resources: anyValue,
  },
  { requiredKeys: [] },
);

// Raw YAML text, for what a structured generator never writes: tags, anchors, merge keys, tabs, duplicates.
const yamlPiece = fc.constantFrom(
  'service: svc\n',
  'provider:\n  name: aws\n',
  'functions:\n',
  '  a:\n    handler: h.main\n    events:\n      - websocket: $connect\n',
  '  b: !Ref Thing\n',
  '  c: &anchor\n    handler: h.x\n',
  '  d: *anchor\n',
  '  e:\n    <<: *anchor\n',
  '? complex: key\n: value\n',
  '  f:\n    <<: *nowhere\n',
  '__proto__:\n  polluted: yes\n',
  'constructor:\n  prototype:\n    polluted: yes\n',
  'custom: !!binary aGVsbG8=\n',
  'x: !Unknown tag\n',
  'service: twice\n',
  '\tbad: tab\n',
  '- a list\n',
  '"unterminated\n',
  '{ flow: [1, 2\n',
  '%YAML 1.2\n---\n',
  '---\n...\n',
  'key: ${self:key}\n',
  'a: &a [*a]\n',
  'resources:\n  Resources:\n    X: { Type: AWS::S3::Bucket }\n',
);
const rawYaml = fc.array(fc.oneof({ weight: 4, arbitrary: yamlPiece }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), { maxLength: 10 }).map((parts) =>
  parts.join(''),
);
// Mostly valid services with a few generated values, so the property also covers the paths that succeed.
const validish = fc.record({
  service: fc.constantFrom('svc', 'chat-app', '${env:MISSING, "fallback"}'),
  provider: fc.record({ name: fc.constant('aws'), stage: fc.constantFrom('dev', 'prod', '${opt:stage, "dev"}'), memorySize: fc.constantFrom(128, 1024) }),
  functions: fc.dictionary(
    fc.constantFrom('connect', 'join', 'bye', 'echo'),
    fc.record({
      handler: fc.constantFrom('handler.main', 'src/h.run', 'h.a.b'),
      events: fc.array(fc.record({ websocket: fc.oneof(fc.constantFrom('$connect', '$disconnect', '$default', 'join'), fc.record({ route: fc.constantFrom('join', 'x', '$default') })) }), { maxLength: 2 }),
      timeout: fc.constantFrom(1, 6, 29),
    }),
    { maxKeys: 3 },
  ),
});
const document = fc.oneof(
  { weight: 2, arbitrary: validish.map((value) => stringify(value)) },
  { weight: 3, arbitrary: config.map((value) => stringify(value)) },
  { weight: 2, arbitrary: rawYaml },
  { weight: 1, arbitrary: config.map((value) => JSON.stringify(value)) },
);

let counter = 0;
/** Loads YAML text as a service; returns 'model' or the WsgateError, and rethrows anything else. */
async function loadText(yamlText: string): Promise<'model' | WsgateError> {
  const serviceDir = path.join(dir, `s${counter++}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(serviceDir, { recursive: true }));
  writeFileSync(path.join(serviceDir, 'serverless.yml'), yamlText);
  writeFileSync(path.join(serviceDir, 'included.yml'), 'a: 1\nroute: join\n');
  try {
    const { model } = await loadService({ serviceDir, env: {} });
    expect(model.functions).toBeInstanceOf(Map);
    return 'model';
  } catch (err) {
    if (!(err instanceof WsgateError)) throw err;
    return err;
  }
}

describe('loadService on generated YAML', () => {
  it('any file gives a model or a user WsgateError that names the file, a config path and a fix', async () => {
    const seen = { model: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(document, async (yamlText) => {
        const outcome = await loadText(yamlText);
        if (outcome === 'model') {
          seen.model++;
          return;
        }
        seen.error++;
        expect(outcome.userError).toBe(true);
        expect(outcome.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect(outcome.issues.length).toBeGreaterThan(0);
        for (const issue of outcome.issues) {
          expect(issue.message.length).toBeGreaterThan(0);
          expect(issue.hint ?? '').not.toBe('');
          // Every issue points somewhere: the file (with a line when known) or a config path.
          expect(issue.location?.file ?? issue.path).toBeTruthy();
        }
      }),
      { numRuns: 300 },
    );
    expect(seen.model).toBeGreaterThan(5);
    expect(seen.error).toBeGreaterThan(50);
    // Nothing a configuration says may pollute Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('found by the property: a self-referencing alias, a merge of a non-map and an alias bomb are parse errors', async () => {
    const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    for (const yamlText of ['service: svc\nprovider: &p\n  name: aws\n  self: *p\n', 'service: svc\nx:\n  <<: *nowhere\n', 'service: svc\nx: &s text\ny:\n  <<: *s\n', '?  e:\n    <<: *anchor\n', laughs.join('\n')]) {
      const outcome = await loadText(yamlText);
      expect(outcome).toBeInstanceOf(WsgateError);
      const error = outcome as WsgateError;
      expect(error.code).toBe('CONFIG_PARSE_ERROR');
      expect(error.location?.file).toMatch(/serverless\.yml$/);
      expect(error.hint).toBeTruthy();
    }
  });

  it('values nested hundreds of levels deep load; tens of thousands deep are a parse error, not a stack overflow', async () => {
    const nested = (depth: number) => `{"service":"svc","provider":{"name":"aws"},"custom":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    expect(await loadText(nested(300))).toBe('model');
    const outcome = await loadText(nested(20_000));
    expect(outcome).toBeInstanceOf(WsgateError);
    expect((outcome as WsgateError).code).toBe('CONFIG_PARSE_ERROR');
  });
});
