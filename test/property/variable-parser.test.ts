import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WsgateError } from '../../src/errors.js';
import { parseDocument } from '../../src/config/parse-document.js';
import { parseTemplate, VariableSyntaxError } from '../../src/config/variables/parse.js';
import { resolveVariables } from '../../src/config/variables/resolve.js';

// Pieces of the variable syntax, so generated strings reach deep into the parser instead of being plain text.
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('${', '}', ':', ',', ' ', '(', ')', "'", '"', '\\', '.', '[', ']', '$', '{') },
  { weight: 2, arbitrary: fc.constantFrom('self', 'opt', 'env', 'sls', 'file', 'param', 'strToBool', 'cf', 's3', 'ssm', 'aws', 'Upper', '1x') },
  { weight: 2, arbitrary: fc.constantFrom('stage', 'custom.a', 'provider.name', 'functions', 'instanceId', 'AWS::Region', 'true', 'null', '42', 'x.y.z') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
);
// Well-formed variables (nested ones too), so that a good share of inputs parse and resolve.
const variable = fc.letrec<{ variable: string; source: string }>((tie) => ({
  source: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom("'text'", '"quoted"', '42', 'true', 'null', 'self:custom.a', 'opt:stage', 'env:X', 'sls:stage', 'self:provider.name'),
    fc.tuple(fc.constantFrom('self', 'env', 'opt', 'strToBool'), fc.constantFrom('', '(true)', "('x', 1)"), fc.constantFrom(':custom.a', ':X', ':', '')).map(
      ([type, params, address]) => type + params + address,
    ),
    tie('variable').map((inner) => `self:custom.${inner}`),
  ),
  variable: fc.array(tie('source'), { minLength: 1, maxLength: 3 }).map((sources) => '${' + sources.join(', ') + '}'),
})).variable;
const syntaxLike = fc.array(fc.oneof(piece, variable), { maxLength: 16 }).map((parts) => parts.join(''));
const anyText = fc.oneof(syntaxLike, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

describe('the variable parser under any input', () => {
  it('returns a template or null, or throws a VariableSyntaxError with a code: nothing else', () => {
    const seen = { template: 0, none: 0, syntaxError: 0 };
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          const template = parseTemplate(text);
          if (template === null) {
            seen.none++;
            return;
          }
          seen.template++;
          expect(template.raw).toBe(text);
          // Literal parts and variable texts are pieces of the input, in order.
          let at = 0;
          for (const part of template.parts) {
            const chunk = typeof part === 'string' ? part : part.text;
            if (typeof part !== 'string') {
              const found = text.indexOf(chunk, at);
              expect(found).toBeGreaterThanOrEqual(0);
              at = found + chunk.length;
            }
          }
        } catch (err) {
          if (!(err instanceof VariableSyntaxError)) throw err;
          seen.syntaxError++;
          expect(err.code).toMatch(/^[A-Z_]+$/);
          expect(err.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
    // The generator reaches every outcome, so the property says something about each.
    expect(seen.template).toBeGreaterThan(50);
    expect(seen.none).toBeGreaterThan(50);
    expect(seen.syntaxError).toBeGreaterThan(50);
  });

  it('parses the same way every time (the cache never changes an answer)', () => {
    fc.assert(
      fc.property(syntaxLike, (text) => {
        const first = attempt(() => parseTemplate(text));
        const second = attempt(() => parseTemplate(text));
        expect(second).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });

  it('resolving a configuration holding any such string ends in a value or a WsgateError naming the path', async () => {
    const { sourceMap } = parseDocument('{}', '/virtual/serverless.yml');
    const seen = { resolved: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(syntaxLike, syntaxLike, async (a, b) => {
        const config: Record<string, unknown> = { service: 'svc', custom: { a, list: [b], nested: { b } }, provider: { name: 'aws', stage: a } };
        try {
          await resolveVariables(config, { serviceDir: '/virtual', sourceMap, options: {}, env: { X: 'x' } });
          seen.resolved++;
        } catch (err) {
          if (!(err instanceof WsgateError)) throw err;
          seen.refused++;
          expect(err.code).toMatch(/^[A-Z_]+$/);
          expect(err.userError).toBe(true);
          for (const issue of err.issues) {
            expect(issue.message.length).toBeGreaterThan(0);
            expect(issue.path ?? issue.location?.file).toBeTruthy();
          }
        }
      }),
      { numRuns: 400 },
    );
    expect(seen.resolved).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });
});

function attempt<T>(run: () => T): { value: T } | { error: string } {
  try {
    return { value: run() };
  } catch (err) {
    return { error: String(err) };
  }
}
