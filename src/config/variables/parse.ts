/**
 * The Serverless v3 variable syntax: `${type:address}`, `${type(param, …):address}`, fallbacks after
 * commas (`${env:X, self:y, 'text', 42, true, null}`), nesting in params and addresses.
 * `${` followed by anything but a lower-case letter (`${AWS::Region}` in Fn::Sub) is not a variable.
 */

export type Template = {
  readonly raw: string;
  /** Literal text and variables in order. */
  readonly parts: ReadonlyArray<string | VariableExpr>;
};

export interface VariableExpr {
  readonly text: string;
  readonly sources: readonly SourceExpr[];
}

export type SourceExpr =
  | { readonly kind: 'literal'; readonly value: unknown }
  | {
      readonly kind: 'reference';
      readonly type: string;
      readonly params?: readonly ParamExpr[];
      readonly address?: ParamExpr;
    };

/** A param or address: quoted text, or a template that may hold nested variables. */
export type ParamExpr = { readonly literal: unknown } | { readonly template: Template };

export class VariableSyntaxError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const cache = new Map<string, Template | null>();

/** Returns null when the string holds no variable. */
export function parseTemplate(value: string): Template | null {
  if (!value.includes('${')) return null;
  let cached = cache.get(value);
  if (cached === undefined) {
    const template = new Parser(value).parseTemplate(0, value.length);
    cached = template.parts.some((p) => typeof p !== 'string') ? template : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(value, cached);
  }
  return cached;
}

export function isWholeVariable(template: Template): template is Template & { parts: [VariableExpr] } {
  return template.parts.length === 1 && typeof template.parts[0] !== 'string';
}

const TYPE = /^[a-z][a-zA-Z0-9]*$/;
const WORD_CHAR = /[a-zA-Z0-9.]/;

class Parser {
  constructor(private readonly s: string) {}

  parseTemplate(from: number, to: number): Template {
    const parts: Array<string | VariableExpr> = [];
    let text = '';
    let i = from;
    while (i < to) {
      const c = this.s[i];
      if (c === '\\' && i + 1 < to) {
        text += c + this.s[i + 1];
        i += 2;
        continue;
      }
      if (c === '$' && this.s[i + 1] === '{' && /[a-z]/.test(this.s[i + 2] ?? '')) {
        const parsed = this.parseVariable(i, to);
        if (parsed) {
          if (text) parts.push(text);
          text = '';
          parts.push(parsed.expr);
          i = parsed.end;
          continue;
        }
      }
      text += c;
      i++;
    }
    if (text) parts.push(text);
    return { raw: this.s.slice(from, to), parts };
  }

  /** Parses `${…}` starting at `start`; null when it is not a variable (`${foo}` without a type). */
  private parseVariable(start: number, to: number): { expr: VariableExpr; end: number } | null {
    let i = start + 2;
    const sources: SourceExpr[] = [];
    for (;;) {
      i = this.skipSpaces(i, to);
      if (i >= to) throw this.error('UNTERMINATED_VARIABLE', `Missing variable closing bracket in ${this.s}`);
      const c = this.s[i];
      if (c === '"' || c === "'") {
        const str = this.readQuoted(i, to);
        sources.push({ kind: 'literal', value: str.value });
        i = this.skipSpaces(str.end, to);
      } else {
        const wordStart = i;
        while (i < to && WORD_CHAR.test(this.s[i])) i++;
        const word = this.s.slice(wordStart, i);
        const afterWord = this.skipSpaces(i, to);
        const next = this.s[afterWord];
        if (word && (next === ':' || next === '(') && TYPE.test(word)) {
          const ref = this.parseReference(word, afterWord, to);
          sources.push(ref.source);
          i = this.skipSpaces(ref.end, to);
        } else if (sources.length === 0 && next === '}') {
          return null; // `${foo}`: not a Serverless variable, left as text
        } else if (word && (next === '}' || next === ',')) {
          sources.push({ kind: 'literal', value: parseLiteral(word, this.s, wordStart) });
          i = afterWord;
        } else if (sources.length === 0 && !word) {
          return null;
        } else {
          throw this.error('INVALID_VARIABLE_SOURCE', `Invalid variable source at index ${wordStart} in "${this.s}"`);
        }
      }
      if (i >= to) throw this.error('UNTERMINATED_VARIABLE', `Missing variable closing bracket in ${this.s}`);
      if (this.s[i] === '}') return { expr: { text: this.s.slice(start, i + 1), sources }, end: i + 1 };
      if (this.s[i] !== ',') {
        throw this.error('INVALID_VARIABLE_SOURCE', `Invalid variable source at index ${i} in "${this.s}"`);
      }
      i++;
    }
  }

  private parseReference(type: string, at: number, to: number): { source: SourceExpr; end: number } {
    let i = at;
    let params: ParamExpr[] | undefined;
    if (this.s[i] === '(') {
      params = [];
      i++;
      for (;;) {
        const part = this.readPart(i, to, ',)');
        if (part.expr) params.push(part.expr);
        i = part.end;
        if (this.s[i] === ')') {
          i++;
          break;
        }
        i++;
      }
      i = this.skipSpaces(i, to);
      if (this.s[i] !== ':') return { source: { kind: 'reference', type, params }, end: i };
    }
    const address = this.readPart(i + 1, to, ',}');
    return { source: { kind: 'reference', type, params, address: address.expr }, end: address.end };
  }

  /** Reads a param or an address up to one of `stops` at nesting depth 0. */
  private readPart(from: number, to: number, stops: string): { expr?: ParamExpr; end: number } {
    let i = this.skipSpaces(from, to);
    if (this.s[i] === '"' || this.s[i] === "'") {
      const str = this.readQuoted(i, to);
      i = this.skipSpaces(str.end, to);
      if (i >= to || !stops.includes(this.s[i])) {
        throw this.error('INVALID_VARIABLE_ADDRESS', `Invalid variable address at index ${from} in "${this.s}"`);
      }
      return { expr: { literal: str.value }, end: i };
    }
    const start = i;
    let depth = 0;
    while (i < to) {
      const c = this.s[i];
      if (c === '$' && this.s[i + 1] === '{') {
        depth++;
        i += 2;
        continue;
      }
      if (depth > 0 && c === '}') depth--;
      else if (depth === 0 && stops.includes(c)) break;
      i++;
    }
    if (i >= to) throw this.error('UNTERMINATED_VARIABLE', `Missing variable closing bracket in ${this.s}`);
    let end = i;
    while (end > start && this.s[end - 1] === ' ') end--;
    if (end === start) return { end: i };
    const inner = this.parseTemplate(start, end);
    const hasVariables = inner.parts.some((p) => typeof p !== 'string');
    return { expr: hasVariables ? { template: inner } : { literal: inner.raw }, end: i };
  }

  private readQuoted(at: number, to: number): { value: string; end: number } {
    const quote = this.s[at];
    let i = at + 1;
    while (i < to && this.s[i] !== quote) i += this.s[i] === '\\' && quote === '"' ? 2 : 1;
    if (i >= to) throw this.error('UNTERMINATED_VARIABLE', `Missing variable closing bracket in ${this.s}`);
    const raw = this.s.slice(at, i + 1);
    if (quote === "'") return { value: raw.slice(1, -1), end: i + 1 };
    try {
      return { value: JSON.parse(raw) as string, end: i + 1 };
    } catch (err) {
      throw this.error(
        'INVALID_VARIABLE_STRING_LITERAL',
        `Invalid string literal at index ${at} in "${this.s}": ${(err as Error).message}`,
      );
    }
  }

  private skipSpaces(i: number, to: number): number {
    while (i < to && this.s[i] === ' ') i++;
    return i;
  }

  private error(code: string, message: string): VariableSyntaxError {
    return new VariableSyntaxError(code, message);
  }
}

function parseLiteral(word: string, s: string, at: number): unknown {
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  if (word !== '' && !Number.isNaN(Number(word))) return Number(word);
  throw new VariableSyntaxError(
    'INVALID_VARIABLE_LITERAL_SOURCE',
    `Invalid literal source "${word}" at index ${at} in "${s}": quote text fallbacks ('${word}')`,
  );
}
