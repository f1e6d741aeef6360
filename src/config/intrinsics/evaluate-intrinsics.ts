/**
 * A pure evaluator of the CloudFormation intrinsic functions a local run can answer: `Ref`, `Fn::GetAtt`,
 * `Fn::Join`, `Fn::Sub` (both forms), `Fn::Select`, `Fn::Split`, `Fn::ImportValue`, `Fn::If` with the
 * condition functions, `Fn::FindInMap`, `Fn::Base64`, `Fn::GetAZs`, and the pseudo parameters. What the
 * resources' values are is the caller's (`IntrinsicScope`); this module only knows the functions' semantics.
 */

/** What `Ref: AWS::NoValue` evaluates to: the property (or list item) holding it is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface IntrinsicScope {
  /** `AWS::Region`, `AWS::AccountId`… by their full name. */
  readonly pseudoParameters: Readonly<Record<string, string>>;
  /** `Ref` of a resource (or parameter), undefined when unknown. */
  ref(logicalId: string): string | undefined;
  /** `Fn::GetAtt` of a resource, undefined when unknown. */
  getAtt(logicalId: string, attribute: string): string | undefined;
  /** `Fn::ImportValue` of an export name, undefined when there is no local value. */
  importValue?(exportName: string): string | undefined;
  /** The template's `Conditions`, for `Fn::If` and `Condition`. */
  readonly conditions?: Readonly<Record<string, unknown>>;
  /** The template's `Mappings`, for `Fn::FindInMap`. */
  readonly mappings?: Readonly<Record<string, unknown>>;
}

export type Evaluation = { ok: true; value: unknown } | { ok: false; intrinsic: string; reason: string };

/** Why a value cannot be computed locally: the intrinsic at fault and what about it. */
class Unresolvable extends Error {
  constructor(
    readonly intrinsic: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Evaluates every intrinsic in `value` (recursively); plain values come back as they are. */
export function evaluateIntrinsics(value: unknown, scope: IntrinsicScope): Evaluation {
  try {
    return { ok: true, value: evaluate(value, scope) };
  } catch (err) {
    if (err instanceof Unresolvable) return { ok: false, intrinsic: err.intrinsic, reason: err.reason };
    throw err;
  }
}

/** True when `value` is an object whose single key is an intrinsic function (or `Ref`/`Condition`). */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'));
}

function evaluate(value: unknown, scope: IntrinsicScope): unknown {
  if (Array.isArray(value)) return value.map((item) => evaluate(item, scope)).filter((item) => item !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  if (isIntrinsic(value)) {
    const [name, argument] = Object.entries(value)[0]!;
    return evaluateFunction(name, argument, scope);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const evaluated = evaluate(item, scope);
    if (evaluated !== NO_VALUE) result[key] = evaluated;
  }
  return result;
}

function evaluateFunction(name: string, argument: unknown, scope: IntrinsicScope): unknown {
  switch (name) {
    case 'Ref':
      return ref(evaluate(argument, scope), scope);
    case 'Fn::GetAtt':
      return getAtt(argument, scope);
    case 'Fn::Join':
      return join(evaluate(argument, scope));
    case 'Fn::Sub':
      return sub(argument, scope);
    case 'Fn::Select':
      return select(evaluate(argument, scope));
    case 'Fn::Split':
      return split(evaluate(argument, scope));
    case 'Fn::ImportValue':
      return importValue(evaluate(argument, scope), scope);
    case 'Fn::If':
      return ifFunction(argument, scope);
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
    case 'Condition':
      return evaluateCondition({ [name]: argument }, scope, []);
    case 'Fn::FindInMap':
      return findInMap(evaluate(argument, scope), scope);
    case 'Fn::Base64':
      return Buffer.from(text(evaluate(argument, scope), name), 'utf8').toString('base64');
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${text(evaluate(argument, scope), name) || scope.pseudoParameters['AWS::Region']}${zone}`);
    default:
      throw new Unresolvable(name, `${name} is not evaluated locally`);
  }
}

function ref(target: unknown, scope: IntrinsicScope): unknown {
  if (typeof target !== 'string') throw new Unresolvable('Ref', 'Ref takes a logical id or pseudo parameter name');
  if (target === 'AWS::NoValue') return NO_VALUE;
  if (target.startsWith('AWS::')) {
    const pseudo = scope.pseudoParameters[target];
    if (pseudo === undefined) throw new Unresolvable('Ref', `the pseudo parameter ${target} has no local value`);
    return pseudo;
  }
  const value = scope.ref(target);
  if (value === undefined) throw new Unresolvable('Ref', `Ref ${target}: no resource ${target} whose value is known locally`);
  return value;
}

function getAtt(argument: unknown, scope: IntrinsicScope): string {
  let logicalId: unknown;
  let attribute: unknown;
  if (typeof argument === 'string') {
    // `Resource.Attr.With.Dots`: the logical id has no dots, the attribute may (`Endpoint.Address`).
    const dot = argument.indexOf('.');
    [logicalId, attribute] = dot < 0 ? [argument, undefined] : [argument.slice(0, dot), argument.slice(dot + 1)];
  } else if (Array.isArray(argument) && argument.length === 2) {
    logicalId = argument[0];
    attribute = evaluate(argument[1], scope);
  }
  if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
    throw new Unresolvable('Fn::GetAtt', 'Fn::GetAtt takes [LogicalId, Attribute] or "LogicalId.Attribute"');
  }
  const value = scope.getAtt(logicalId, attribute);
  if (value === undefined) throw new Unresolvable('Fn::GetAtt', `Fn::GetAtt ${logicalId}.${attribute}: no local value for it`);
  return value;
}

function join(argument: unknown): string {
  if (!Array.isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'string' || !Array.isArray(argument[1])) {
    throw new Unresolvable('Fn::Join', 'Fn::Join takes [delimiter, [values…]]');
  }
  return argument[1].map((item) => text(item, 'Fn::Join')).join(argument[0]);
}

function select(argument: unknown): unknown {
  if (!Array.isArray(argument) || argument.length !== 2 || !Array.isArray(argument[1])) {
    throw new Unresolvable('Fn::Select', 'Fn::Select takes [index, [values…]]');
  }
  const index = Number(argument[0]);
  const list = argument[1];
  if (!Number.isInteger(index) || index < 0 || index >= list.length) {
    throw new Unresolvable('Fn::Select', `Fn::Select index ${String(argument[0])} is outside the list of ${list.length}`);
  }
  return list[index];
}

function split(argument: unknown): string[] {
  if (!Array.isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'string' || argument[0] === '') {
    throw new Unresolvable('Fn::Split', 'Fn::Split takes [delimiter, string]');
  }
  return text(argument[1], 'Fn::Split').split(argument[0]);
}

function importValue(name: unknown, scope: IntrinsicScope): string {
  if (typeof name !== 'string') throw new Unresolvable('Fn::ImportValue', 'Fn::ImportValue takes an export name');
  const value = scope.importValue?.(name);
  if (value === undefined) throw new Unresolvable('Fn::ImportValue', `Fn::ImportValue ${name}: the export belongs to another stack and has no local value`);
  return value;
}

/** `${Name}`, `${LogicalId.Attribute}` and `${!Literal}`, with the variables of the list form first. */
function sub(argument: unknown, scope: IntrinsicScope): string {
  let template: unknown = argument;
  let variables: Record<string, unknown> = {};
  if (Array.isArray(argument)) {
    if (argument.length !== 2 || argument[1] === null || typeof argument[1] !== 'object' || Array.isArray(argument[1])) {
      throw new Unresolvable('Fn::Sub', 'Fn::Sub takes a string or [string, { Name: value }]');
    }
    template = argument[0];
    variables = argument[1] as Record<string, unknown>;
  }
  if (typeof template !== 'string') throw new Unresolvable('Fn::Sub', 'Fn::Sub takes a string or [string, { Name: value }]');
  return template.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (Object.hasOwn(variables, name)) return text(evaluate(variables[name], scope), 'Fn::Sub');
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return getAtt(name, scope);
    return text(ref(name, scope), 'Fn::Sub');
  });
}

function ifFunction(argument: unknown, scope: IntrinsicScope): unknown {
  if (!Array.isArray(argument) || argument.length !== 3 || typeof argument[0] !== 'string') {
    throw new Unresolvable('Fn::If', 'Fn::If takes [ConditionName, valueIfTrue, valueIfFalse]');
  }
  return evaluate(namedCondition(argument[0], scope, []) ? argument[1] : argument[2], scope);
}

function namedCondition(name: string, scope: IntrinsicScope, seen: string[]): boolean {
  const conditions = scope.conditions ?? {};
  if (!Object.hasOwn(conditions, name)) throw new Unresolvable('Fn::If', `no condition named ${name} in resources.Conditions`);
  if (seen.includes(name)) throw new Unresolvable('Condition', `the condition ${name} refers to itself`);
  return evaluateCondition(conditions[name], scope, [...seen, name]);
}

function evaluateCondition(condition: unknown, scope: IntrinsicScope, seen: string[]): boolean {
  if (typeof condition === 'boolean') return condition;
  if (!isIntrinsic(condition)) throw new Unresolvable('Condition', 'a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition');
  const [name, argument] = Object.entries(condition)[0]!;
  const list = Array.isArray(argument) ? argument : [];
  switch (name) {
    case 'Condition':
      if (typeof argument !== 'string') throw new Unresolvable('Condition', 'Condition takes a condition name');
      return namedCondition(argument, scope, seen);
    case 'Fn::Equals': {
      if (list.length !== 2) throw new Unresolvable(name, 'Fn::Equals takes [value, value]');
      const [a, b] = list.map((item) => evaluate(item, scope));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::And':
      return list.every((item) => evaluateCondition(item, scope, seen));
    case 'Fn::Or':
      return list.some((item) => evaluateCondition(item, scope, seen));
    case 'Fn::Not':
      if (list.length !== 1) throw new Unresolvable(name, 'Fn::Not takes [condition]');
      return !evaluateCondition(list[0], scope, seen);
    default:
      throw new Unresolvable(name, `${name} is not a condition function`);
  }
}

function findInMap(argument: unknown, scope: IntrinsicScope): unknown {
  if (!Array.isArray(argument) || argument.length < 3) throw new Unresolvable('Fn::FindInMap', 'Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]');
  let node: unknown = scope.mappings;
  for (const key of argument.slice(0, 3)) {
    if (node === null || typeof node !== 'object' || typeof key !== 'string' || !Object.hasOwn(node, key)) {
      throw new Unresolvable('Fn::FindInMap', `Fn::FindInMap ${argument.slice(0, 3).map(String).join('.')}: not in resources.Mappings`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A value where text is expected: strings, and numbers or booleans as CloudFormation stringifies them. */
function text(value: unknown, intrinsic: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Unresolvable(intrinsic, `${intrinsic} needs text here, got ${Array.isArray(value) ? 'a list' : typeof value}`);
}
