import { WsgateError } from '../errors.js';

/**
 * API Gateway's route selection expression language (spec §4): literal text, `$request.body.<path>`
 * and `${request.body.<path>}` variables concatenated in one pass, `\$` for a literal dollar.
 */
export type ExpressionPart =
  | { kind: 'literal'; text: string }
  | { kind: 'body'; path: readonly (string | number)[] };

export interface ParsedExpression {
  source: string;
  parts: readonly ExpressionPart[];
  /** True when some part reads the body: only then must a message be JSON. */
  readsBody: boolean;
}

const EXPRESSION_PATH = 'provider.websocketsApiRouteSelectionExpression';
const BODY_PREFIX = 'request.body';

export function parseRouteSelectionExpression(source: string): ParsedExpression {
  const parts: ExpressionPart[] = [];
  let literal = '';
  let i = 0;
  const flushLiteral = () => {
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\' && source[i + 1] === '$') {
      literal += '$';
      i += 2;
    } else if (ch === '$' && source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2);
      if (end < 0) throw expressionError(source, `"\${" at position ${i} has no closing "}"`);
      flushLiteral();
      parts.push({ kind: 'body', path: parseVariable(source, source.slice(i + 2, end)) });
      i = end + 1;
    } else if (ch === '$') {
      const end = scanBareVariable(source, i + 1);
      flushLiteral();
      parts.push({ kind: 'body', path: parseVariable(source, source.slice(i + 1, end)) });
      i = end;
    } else {
      literal += ch;
      i += 1;
    }
  }
  flushLiteral();
  return { source, parts, readsBody: parts.some((p) => p.kind === 'body') };
}

/** A bare `$request.body.a.b` runs over name characters, dots and bracketed segments. */
function scanBareVariable(source: string, start: number): number {
  let i = start;
  while (i < source.length) {
    const ch = source[i]!;
    if (/[A-Za-z0-9_.-]/.test(ch)) i += 1;
    else if (ch === '[') {
      const close = source.indexOf(']', i);
      if (close < 0) return source.length;
      i = close + 1;
    } else break;
  }
  return i;
}

function parseVariable(source: string, variable: string): (string | number)[] {
  if (variable !== BODY_PREFIX && !variable.startsWith(`${BODY_PREFIX}.`) && !variable.startsWith(`${BODY_PREFIX}[`)) {
    throw expressionError(source, `"$${variable}" is not a variable API Gateway can select routes by`);
  }
  return parseJsonPath(source, variable.slice(BODY_PREFIX.length));
}

function parseJsonPath(source: string, path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/y;
  let at = 0;
  while (at < path.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(path);
    if (!m) throw expressionError(source, `cannot read the JSON path "${path}"`);
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(m[3] ?? m[4] ?? '');
    at = pattern.lastIndex;
  }
  return segments;
}

function expressionError(source: string, reason: string): WsgateError {
  return new WsgateError({
    code: 'GATEWAY_INVALID_ROUTE_SELECTION_EXPRESSION',
    message: `Invalid route selection expression "${source}": ${reason}.`,
    path: EXPRESSION_PATH,
    hint: 'Use $request.body.<path> (e.g. $request.body.action), ${request.body.a}/${request.body.b} to concatenate, or a literal route key.',
  });
}

/**
 * Evaluates the expression against a text message. Undefined means the message cannot be evaluated
 * (not JSON, or JSON that is not an object): such messages go to `$default`.
 */
export function evaluateRouteSelection(expression: ParsedExpression, body: string): string | undefined {
  let root: unknown;
  if (expression.readsBody) {
    try {
      root = JSON.parse(body);
    } catch {
      return undefined;
    }
    if (root === null || typeof root !== 'object' || Array.isArray(root)) return undefined;
  }
  let result = '';
  try {
    for (const part of expression.parts) {
      result += part.kind === 'literal' ? part.text : stringifySelectionValue(lookup(root, part.path));
    }
  } catch {
    // A value nested thousands deep overflows the stack when stringified; its text could match no route key anyway.
    return undefined;
  }
  return result;
}

function lookup(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of path) {
    // Own properties only: `constructor` or `toString` must not select a route through the prototype.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** AWS stringifies non-string values (arrays as `[a, b]`); missing values and null become empty. */
export function stringifySelectionValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(stringifySelectionValue).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const RESERVED_ROUTE_KEYS = new Set(['$connect', '$disconnect', '$default']);

/** The route key a message goes to, or undefined when no route matches and there is no `$default` (Forbidden). */
export function selectRoute(
  expression: ParsedExpression,
  body: string,
  routeKeys: ReadonlySet<string>,
): string | undefined {
  const key = evaluateRouteSelection(expression, body);
  if (key !== undefined && !RESERVED_ROUTE_KEYS.has(key) && routeKeys.has(key)) return key;
  return routeKeys.has('$default') ? '$default' : undefined;
}
