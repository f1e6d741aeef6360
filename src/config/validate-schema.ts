import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ErrorDetail } from '../errors.js';
import { formatConfigPath, type PathSegment } from './config-path.js';
import type { SourceMap } from './parse-document.js';
import { LENIENT_OBJECTS } from './schema.js';

// The build compiles the schema ahead of time (scripts/build-schema-validator.mjs): loading ajv and compiling
// cost ~100 ms per start. From sources (tests), or if that file is missing, it is compiled here.
const PRECOMPILED = './schema-validator.cjs';
const validateConfig: ValidateFunction = await import(PRECOMPILED).then(
  (module: { default: ValidateFunction }) => module.default,
  async () => (await import('./compile-config-schema.js')).compileConfigSchema().validate,
);

export interface SchemaFindings {
  errors: ErrorDetail[];
  warnings: ErrorDetail[];
}

/** Checks the resolved configuration against the schema; every problem at once, each with its path and line. */
export function validateSchema(config: unknown, sourceMap: SourceMap): SchemaFindings {
  const validate = validateConfig;
  const findings: SchemaFindings = { errors: [], warnings: [] };
  if (validate(config)) return findings;
  for (const error of simplifyErrors(validate.errors ?? [])) {
    const detail = describeError(error, config, sourceMap);
    if (!detail) continue;
    if (detail.code === 'CONFIG_UNKNOWN_PROPERTY' && isLenient(error, config)) {
      findings.warnings.push({
        ...detail,
        message: `${detail.message}: wsgate ignores it`,
        hint: undefined,
      });
    } else {
      findings.errors.push(detail);
    }
  }
  return findings;
}

/**
 * ajv reports every failed branch of an `anyOf`/`if` as well as the summary; users need one line per
 * place. Keep the summary of each branching schema and drop what failed inside it.
 */
function simplifyErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const branchPrefixes = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => ({ schemaPath: e.schemaPath, instancePath: e.instancePath }));
  const kept = errors.filter((e) => {
    if (e.keyword === 'if') return false;
    return !branchPrefixes.some(
      (b) => e.schemaPath !== b.schemaPath && e.schemaPath.startsWith(`${b.schemaPath}/`) && e.instancePath.startsWith(b.instancePath),
    );
  });
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describeError(error: ErrorObject, config: unknown, sourceMap: SourceMap): ErrorDetail | undefined {
  const path = toPath(error.instancePath, config);
  const value = error.data;
  const expected = (error.parentSchema as { description?: string } | undefined)?.description;
  const at = (segments: PathSegment[]) => ({ path: formatConfigPath(segments), location: sourceMap.locate(segments) });
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return {
        code: 'CONFIG_MISSING_PROPERTY',
        message: `Missing required property "${missing}"${path.length ? ` in ${formatConfigPath(path)}` : ''}`,
        ...at([...path, missing]),
        location: sourceMap.locate(path),
        hint: hintForMissing([...path, missing]),
      };
    }
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const close = closest(key, known);
      return {
        code: 'CONFIG_UNKNOWN_PROPERTY',
        message: `Unknown property "${key}"${path.length ? ` in ${formatConfigPath(path)}` : ''}`,
        ...at([...path, key]),
        hint: close ? `Did you mean "${close}"?` : known.length ? `Known properties: ${known.join(', ')}.` : undefined,
      };
    }
    case 'propertyNames':
      return undefined; // reported by the `pattern` error on the name itself, below
    case 'type': {
      const wanted = expected ?? article((error.params as { type: string | string[] }).type);
      return {
        code: 'CONFIG_INVALID_TYPE',
        message: `${formatConfigPath(path) || 'The configuration'} must be ${wanted}, got ${describe(value)}`,
        ...at(path),
        hint: hintForType(path, wanted, value, (error.params as { type: string | string[] }).type),
      };
    }
    default: {
      const propertyName = (error as { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        return {
          code: 'CONFIG_INVALID_NAME',
          message: `"${propertyName}" in ${formatConfigPath(path) || 'the configuration'} is not a valid name: expected ${expected ?? error.message}`,
          ...at([...path, propertyName]),
          hint: `Rename "${propertyName}" to ${expected ?? 'a valid name'}.`,
        };
      }
      const what = expected ? `must be ${expected}` : (error.message ?? 'is invalid');
      return {
        code: 'CONFIG_INVALID_VALUE',
        message: `${formatConfigPath(path) || 'The configuration'} ${what}, got ${describe(value)}`,
        ...at(path),
        hint: hintForValue(error, expected),
      };
    }
  }
}

function hintForType(path: PathSegment[], wanted: string, value: unknown, type: string | string[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return `Write the file as ${wanted}.`;
  if (typeof last === 'number') return `Write item ${last} of ${formatConfigPath(path.slice(0, -1))} as ${wanted}.`;
  // The usual slip: one pattern where a list of them is expected.
  if (typeof value === 'string' && (Array.isArray(type) ? type : [type]).includes('array')) {
    return `Write "${last}" as a list, even of one item: ${last}: [${JSON.stringify(value)}].`;
  }
  return `Write "${last}" as ${wanted}.`;
}

function hintForMissing(path: PathSegment[]): string {
  const p = formatConfigPath(path);
  if (p === 'service') return 'Name the service: `service: my-service`.';
  if (p === 'provider') return 'Add `provider: { name: aws }`.';
  if (p === 'provider.name') return 'wsgate supports `provider.name: aws`.';
  if (p.endsWith('.handler')) return 'Give the function a handler such as `handler.main` (file handler.js, export main).';
  if (p.endsWith('.route')) return 'Name the route: `route: $connect`, `$disconnect`, `$default` or a custom key.';
  const parent = formatConfigPath(path.slice(0, -1));
  return `Add "${String(path[path.length - 1])}"${parent ? ` to ${parent}` : ''}.`;
}

function hintForValue(error: ErrorObject, expected: string | undefined): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'const':
      return `Use ${JSON.stringify(params.allowedValue)}.`;
    case 'enum':
      return `Use one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `Use a value ${String(params.comparison)} ${String(params.limit)}.`;
    case 'minLength':
      return 'Give a non-empty value.';
    case 'maxLength':
      return `Use at most ${String(params.limit)} characters.`;
    case 'minItems':
      return `Give at least ${String(params.limit)} item(s).`;
    case 'minProperties':
    case 'maxProperties':
      return expected?.startsWith('an event') ? 'Each event is a map with one key, e.g. `- websocket: $connect`.' : `Expected ${expected ?? 'another value'}.`;
    default:
      return `Expected ${expected ?? error.message ?? 'another value'}.`;
  }
}

function isLenient(error: ErrorObject, config: unknown): boolean {
  const parent = formatConfigPath(toPath(error.instancePath, config));
  return LENIENT_OBJECTS.some((re) => re.test(parent));
}

/** `/functions/a/events/0` → ['functions', 'a', 'events', 0], numbers only where the value is a list. */
function toPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      out.push(Number(key));
      node = node[Number(key)];
    } else {
      out.push(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function article(type: string | string[]): string {
  const t = (Array.isArray(type) ? type : type.split(','))[0];
  return ({ object: 'an object', array: 'a list', integer: 'an integer', boolean: 'a boolean', string: 'a string', number: 'a number' } as Record<string, string>)[t] ?? t;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
