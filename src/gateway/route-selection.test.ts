import { describe, expect, it } from 'vitest';
import { WsgateError } from '../errors.js';
import { evaluateRouteSelection, parseRouteSelectionExpression, selectRoute } from './route-selection.js';

const evaluate = (expression: string, body: string) => evaluateRouteSelection(parseRouteSelectionExpression(expression), body);

describe('route selection expressions (spec §4)', () => {
  it('reads $request.body.action, the Serverless default', () => {
    expect(evaluate('$request.body.action', '{"action":"join"}')).toBe('join');
  });

  it('follows a nested JSON path', () => {
    expect(evaluate('$request.body.a.b', '{"a":{"b":"deep"}}')).toBe('deep');
    expect(evaluate("$request.body['a b'][1]", '{"a b":["x","y"]}')).toBe('y');
  });

  it('concatenates ${…} variables with literal text in one pass (AWS docs: chat/join)', () => {
    expect(evaluate('${request.body.service}/${request.body.action}', '{"service":"chat","action":"join"}')).toBe('chat/join');
  });

  it('turns a missing path into the empty string (AWS docs: join-)', () => {
    expect(evaluate('${request.body.action}-${request.body.invalidPath}', '{"action":"join"}')).toBe('join-');
  });

  it('escapes a dollar with a backslash and keeps literals as they are', () => {
    expect(evaluate('\\$default', '{}')).toBe('$default');
    expect(evaluate('action', 'not json at all')).toBe('action');
  });

  it('stringifies non-string values', () => {
    expect(evaluate('$request.body.action', '{"action":1}')).toBe('1');
    expect(evaluate('$request.body.action', '{"action":true}')).toBe('true');
    expect(evaluate('$request.body.action', '{"action":["item1","item2"]}')).toBe('[item1, item2]');
    expect(evaluate('$request.body.action', '{"action":null}')).toBe('');
  });

  it('cannot evaluate non-JSON text or JSON that is not an object', () => {
    expect(evaluate('$request.body.action', 'hello')).toBeUndefined();
    expect(evaluate('$request.body.action', '"join"')).toBeUndefined();
    expect(evaluate('$request.body.action', '[1]')).toBeUndefined();
  });

  it('rejects variables API Gateway cannot select by, naming the config path', () => {
    let caught: unknown;
    try {
      parseRouteSelectionExpression('$request.header.action');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WsgateError);
    expect((caught as WsgateError).code).toBe('GATEWAY_INVALID_ROUTE_SELECTION_EXPRESSION');
    expect((caught as WsgateError).path).toBe('provider.websocketsApiRouteSelectionExpression');
    expect(() => parseRouteSelectionExpression('${request.body.action')).toThrow(WsgateError);
  });
});

describe('selectRoute', () => {
  const expression = parseRouteSelectionExpression('$request.body.action');
  const withDefault = new Set(['$connect', '$default', 'chat', '1']);
  const withoutDefault = new Set(['chat']);

  it('picks the route whose key equals the result', () => {
    expect(selectRoute(expression, '{"action":"chat"}', withDefault)).toBe('chat');
    expect(selectRoute(expression, '{"action":1}', withDefault)).toBe('1');
  });

  it('falls back to $default for unknown keys, non-JSON bodies and reserved keys', () => {
    expect(selectRoute(expression, '{"action":"nope"}', withDefault)).toBe('$default');
    expect(selectRoute(expression, 'plain text', withDefault)).toBe('$default');
    expect(selectRoute(expression, '{"action":"$connect"}', withDefault)).toBe('$default');
  });

  it('has no route without $default', () => {
    expect(selectRoute(expression, '{"action":"nope"}', withoutDefault)).toBeUndefined();
    expect(selectRoute(expression, 'plain text', withoutDefault)).toBeUndefined();
  });
});
