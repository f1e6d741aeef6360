import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WsgateError } from '../../src/errors.js';
import { evaluateRouteSelection, parseRouteSelectionExpression, selectRoute, type ParsedExpression } from '../../src/gateway/route-selection.js';

const expressionPiece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('$request.body', '${request.body', '.action', '.a', '[0]', "['a b']", '["x"]', '[', ']', '}', '$', '\\$', '${', '.', '$request.header.x', '$context.x') },
  { weight: 2, arbitrary: fc.string({ maxLength: 5 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const expressionText = fc.oneof(
  fc.constantFrom('$request.body.action', '${request.body.service}/${request.body.action}', "$request.body['a b'][1]", '\\$default', 'literal'),
  fc.array(expressionPiece, { maxLength: 10 }).map((parts) => parts.join('')),
);
const keys = ['action', 'a', 'a b', 'service', '0', '__proto__', 'constructor', 'toString', 'length'];
const body = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }).map((value) => JSON.stringify(value)),
  fc.constantFrom('{"action":', '{"__proto__":{"action":"x"}}', '{"action":{"toString":1}}', '[]', 'null', '', ' {"action":"a"} '),
);
const routeKeys = fc.uniqueArray(fc.oneof(fc.constantFrom('$default', '$connect', '$disconnect', 'action', 'a', '[1, 2]', ''), fc.string({ maxLength: 4 })), { maxLength: 5 });

/** Values nested `depth` levels deep: arrays and objects, as a client could send in a 128 KB message. */
function deeplyNested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('route selection under any expression and any message', () => {
  it('an expression parses or fails with the GATEWAY_INVALID_ROUTE_SELECTION_EXPRESSION WsgateError', () => {
    const seen = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(expressionText, (source) => {
        try {
          const parsed = parseRouteSelectionExpression(source);
          seen.parsed++;
          expect(parsed.source).toBe(source);
        } catch (err) {
          if (!(err instanceof WsgateError)) throw err;
          seen.refused++;
          expect(err.code).toBe('GATEWAY_INVALID_ROUTE_SELECTION_EXPRESSION');
          expect(err.path).toBe('provider.websocketsApiRouteSelectionExpression');
          expect(err.userError).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(seen.parsed).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
  });

  it('any message evaluates to a string or to "cannot evaluate", and selects a configured key or none', () => {
    const parsedExpressions = expressionText.map((source) => tryParse(source) ?? parseRouteSelectionExpression('$request.body.action'));
    fc.assert(
      fc.property(parsedExpressions, body, routeKeys, (expression, message, keyList) => {
        const value = evaluateRouteSelection(expression, message);
        expect(value === undefined || typeof value === 'string').toBe(true);
        const keySet = new Set(keyList);
        const selected = selectRoute(expression, message, keySet);
        if (selected !== undefined) expect(keySet.has(selected)).toBe(true);
        if (selected === '$connect' || selected === '$disconnect') throw new Error(`reserved key ${selected} selected`);
        if (selected === undefined) expect(keySet.has('$default')).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('a string at the selected path is the route key, whatever its text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b_c', 'D-1', 'x9'), { minLength: 1, maxLength: 4 }), fc.string(), (path, action) => {
        let doc: unknown = action;
        for (const key of [...path].reverse()) doc = { [key]: doc };
        const expression = parseRouteSelectionExpression(`$request.body.${path.join('.')}`);
        expect(evaluateRouteSelection(expression, JSON.stringify(doc))).toBe(action);
        const bracketed = parseRouteSelectionExpression(`\${request.body${path.map((k) => `['${k}']`).join('')}}`);
        expect(evaluateRouteSelection(bracketed, JSON.stringify(doc))).toBe(action);
      }),
      { numRuns: 500 },
    );
  });

  it('a key the message does not have selects the empty string, even one that names a prototype property', () => {
    fc.assert(
      fc.property(fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'missing', 'length'), fc.dictionary(fc.constantFrom('action', 'x'), fc.string()), (key, doc) => {
        const expression = parseRouteSelectionExpression(`$request.body.${key}`);
        expect(evaluateRouteSelection(expression, JSON.stringify(doc))).toBe('');
        expect(evaluateRouteSelection(parseRouteSelectionExpression(`$request.body.action.${key}`), JSON.stringify({ action: 'join' }))).toBe('');
      }),
      { numRuns: 200 },
    );
  });

  it('a deeply nested value inside a 128 KB message never throws; it matches no route', () => {
    const expression = parseRouteSelectionExpression('$request.body.action');
    for (const kind of ['array', 'object'] as const) {
      for (const depth of [10, 5_000, 40_000]) {
        const message = `{"action":${deeplyNested(depth, kind)}}`;
        expect(message.length).toBeLessThanOrEqual(256 * 1024);
        expect(() => evaluateRouteSelection(expression, message)).not.toThrow();
        expect(selectRoute(expression, message, new Set(['$default', 'action']))).toBe('$default');
        expect(selectRoute(expression, message, new Set(['action']))).toBeUndefined();
      }
    }
  });
});

function tryParse(source: string): ParsedExpression | undefined {
  try {
    return parseRouteSelectionExpression(source);
  } catch {
    return undefined;
  }
}
