import { describe, expect, it } from 'vitest';
import { parseTemplate, VariableSyntaxError } from './parse.js';

describe('parseTemplate', () => {
  it('returns null for text without variables', () => {
    expect(parseTemplate('plain')).toBeNull();
    expect(parseTemplate('${AWS::Region}-${Bucket.Arn}')).toBeNull();
    expect(parseTemplate('${foo}')).toBeNull();
    expect(parseTemplate('\\${self:x}')).toBeNull();
  });

  it('parses sources, fallbacks and literals', () => {
    const t = parseTemplate(`\${opt:stage, self:provider.stage, 'dev', "d\\"q", 3, 1.5, true, false, null}`)!;
    expect(t.parts).toHaveLength(1);
    const v = t.parts[0] as Exclude<(typeof t.parts)[0], string>;
    expect(v.sources).toEqual([
      { kind: 'reference', type: 'opt', params: undefined, address: { literal: 'stage' } },
      { kind: 'reference', type: 'self', params: undefined, address: { literal: 'provider.stage' } },
      { kind: 'literal', value: 'dev' },
      { kind: 'literal', value: 'd"q' },
      { kind: 'literal', value: 3 },
      { kind: 'literal', value: 1.5 },
      { kind: 'literal', value: true },
      { kind: 'literal', value: false },
      { kind: 'literal', value: null },
    ]);
  });

  it('parses params, addresses after params, and nesting', () => {
    const t = parseTemplate('a-${file(./${opt:f}.yml):x.${sls:stage}}-b')!;
    expect(t.parts[0]).toBe('a-');
    expect(t.parts[2]).toBe('-b');
    const v = t.parts[1] as unknown as { sources: Array<{ type: string; params: unknown[]; address: { template: { raw: string } } }> };
    expect(v.sources[0].type).toBe('file');
    expect(v.sources[0].params).toEqual([{ template: expect.objectContaining({ raw: './${opt:f}.yml' }) }]);
    expect(v.sources[0].address.template.raw).toBe('x.${sls:stage}');
  });

  it('throws syntax errors with Serverless codes', () => {
    const code = (s: string) => {
      try {
        parseTemplate(s);
      } catch (err) {
        return (err as VariableSyntaxError).code;
      }
      return 'none';
    };
    expect(code('${self:x')).toBe('UNTERMINATED_VARIABLE');
    expect(code('${env:X, dev}')).toBe('INVALID_VARIABLE_LITERAL_SOURCE');
    expect(code('${env:X, "bad\\q"}')).toBe('INVALID_VARIABLE_STRING_LITERAL');
    expect(code('${env:X, @}')).toBe('INVALID_VARIABLE_SOURCE');
  });
});
