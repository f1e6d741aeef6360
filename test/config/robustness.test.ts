import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WsgateError } from '../../src/errors.js';
import { parseDocument } from '../../src/config/parse-document.js';
import { resolveVariables } from '../../src/config/variables/resolve.js';
import { validateConfig } from '../../src/config/validate.js';
import { normalizeService } from '../../src/config/normalize.js';

// Whatever a user writes, loading ends in a model or in a WsgateError: never a TypeError or a stack.
const text = fc.oneof(
  fc.string(),
  fc.constantFrom('$connect', '$disconnect', '$default', '$bad', 'route', 'auth', 'arn:aws:lambda:us-east-1:1:function:a', 'h.main'),
  fc.constantFrom('${self:custom.a}', '${opt:stage}', "${env:X, 'd'}", '${sls:stage}', '${self:functions}', '${strToBool(true)}', '${', '${self:'),
);
const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(text, tie('value'), { maxKeys: 3 })),
})).value;

const authorizer = fc.oneof(text, anyValue, fc.record({ name: text, arn: anyValue, identitySource: anyValue }, { requiredKeys: [] }));
const websocket = fc.oneof(text, anyValue, fc.record({ route: text, routeResponseSelectionExpression: text, authorizer }, { requiredKeys: [] }));
const event = fc.oneof(fc.record({ websocket }), anyValue);
const fn = fc.oneof(
  anyValue,
  fc.record({ handler: text, events: fc.oneof(fc.array(event, { maxLength: 3 }), anyValue), timeout: anyValue, environment: anyValue }, { requiredKeys: [] }),
);
const config = fc.record(
  {
    service: fc.oneof(fc.constant('svc'), text),
    provider: fc.oneof(
      fc.record({ name: fc.constant('aws'), stage: anyValue, logs: fc.oneof(anyValue, fc.record({ websocket: anyValue })), tags: anyValue }, { requiredKeys: ['name'] }),
      anyValue,
    ),
    functions: fc.oneof(fc.dictionary(fc.constantFrom('a', 'auth', 'b', 'bad key'), fn, { maxKeys: 3 }), anyValue),
    custom: anyValue,
    plugins: anyValue,
    resources: anyValue,
  },
  { requiredKeys: [] },
);

describe('robustness', () => {
  it('random configurations load or fail with a WsgateError', async () => {
    const { sourceMap } = parseDocument('{}', '/virtual/serverless.yml');
    await fc.assert(
      fc.asyncProperty(config, async (raw) => {
        const cfg = structuredClone(raw) as Record<string, unknown>;
        try {
          await resolveVariables(cfg, { serviceDir: '/virtual', sourceMap, options: {}, env: {} });
          validateConfig(cfg, sourceMap);
          const model = normalizeService(cfg, { configFile: '/virtual/serverless.yml', stage: 'dev', region: 'us-east-1' });
          expect(model.functions).toBeInstanceOf(Map);
        } catch (err) {
          if (!(err instanceof WsgateError)) throw err;
          expect(err.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
