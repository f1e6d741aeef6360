/**
 * Lambda's event filtering (the rules of `FilterCriteria` patterns): a record is delivered when it matches any
 * pattern. A pattern's leaf is a list of matchers, any of which may match: a value, `null`, `""`, `{ prefix }`,
 * `{ suffix }`, `{ 'equals-ignore-case' }`, `{ 'anything-but' }`, `{ numeric: [op, n, …] }`, `{ exists }`;
 * `$or` takes a list of patterns.
 */
export function matchesAnyPattern(record: unknown, patterns: readonly unknown[]): boolean {
  return patterns.some((pattern) => matchesPattern(record, pattern));
}

export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (!isObject(pattern)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return Array.isArray(expected) && expected.some((alternative) => matchesPattern(value, alternative));
    const actual = isObject(value) ? value[key] : undefined;
    if (Array.isArray(expected)) return matchesLeaf(actual, expected);
    return isObject(actual) && matchesPattern(actual, expected);
  });
}

function matchesLeaf(actual: unknown, matchers: unknown[]): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return (actual !== undefined && !isObject(actual)) === (matcher.exists === true);
    if (actual === undefined || isObject(actual)) return false;
    return values.some((value) => matchesValue(value, matcher));
  });
}

function matchesValue(value: unknown, matcher: unknown): boolean {
  if (!isObject(matcher)) return typeof matcher === 'number' && typeof value === 'number' ? matcher === value : matcher === value;
  if (typeof matcher.prefix === 'string') return typeof value === 'string' && value.startsWith(matcher.prefix);
  if (typeof matcher.suffix === 'string') return typeof value === 'string' && value.endsWith(matcher.suffix);
  if (typeof matcher['equals-ignore-case'] === 'string') return typeof value === 'string' && value.toLowerCase() === matcher['equals-ignore-case'].toLowerCase();
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    if (isObject(excluded)) return !matchesValue(value, excluded);
    return !(Array.isArray(excluded) ? excluded : [excluded]).some((item) => item === value);
  }
  if (Array.isArray(matcher.numeric)) return matchesNumeric(value, matcher.numeric);
  return false;
}

function matchesNumeric(value: unknown, conditions: unknown[]): boolean {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isNaN(number)) return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const bound = Number(conditions[i + 1]);
    const holds = { '=': number === bound, '<': number < bound, '<=': number <= bound, '>': number > bound, '>=': number >= bound }[String(conditions[i])];
    if (!holds) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
