/**
 * The identity-source pre-check API Gateway runs before invoking a REQUEST authorizer: every listed
 * source must be present and non-empty, otherwise the client gets 401 and the authorizer never runs.
 */

export type IdentitySourceKind = 'header' | 'querystring' | 'stageVariables' | 'context';

export interface ParsedIdentitySource {
  kind: IdentitySourceKind;
  name: string;
}

/** What a source is read from: the REQUEST authorizer event as it would be sent. */
export interface IdentitySourceRequest {
  multiValueHeaders?: Readonly<Record<string, readonly string[]>>;
  headers?: Readonly<Record<string, string>>;
  multiValueQueryStringParameters?: Readonly<Record<string, readonly string[]>>;
  queryStringParameters?: Readonly<Record<string, string>>;
  stageVariables?: Readonly<Record<string, string>>;
  requestContext?: Readonly<Record<string, unknown>>;
}

export type IdentitySourceCheck = { ok: true } | { ok: false; source: string; reason: string };

// The patterns CDK documents for WebSocket identity sources.
const SOURCE_PATTERNS: ReadonlyArray<[RegExp, IdentitySourceKind]> = [
  [/^route\.request\.header\.([a-zA-Z0-9._-]+)$/, 'header'],
  [/^route\.request\.querystring\.([a-zA-Z0-9._-]+)$/, 'querystring'],
  [/^stageVariables\.([a-zA-Z0-9._-]+)$/, 'stageVariables'],
  [/^context\.([a-zA-Z0-9._-]+)$/, 'context'],
];

/** Parses one identity source expression; undefined when it is not a form API Gateway accepts. */
export function parseIdentitySource(source: string): ParsedIdentitySource | undefined {
  for (const [pattern, kind] of SOURCE_PATTERNS) {
    const match = pattern.exec(source);
    if (match) return { kind, name: match[1] };
  }
  return undefined;
}

/** Checks every source in order; the first missing one decides the 401. */
export function checkIdentitySources(sources: readonly string[], request: IdentitySourceRequest): IdentitySourceCheck {
  for (const source of sources) {
    const parsed = parseIdentitySource(source);
    if (!parsed) {
      return { ok: false, source, reason: `identity source "${source}" is not a supported expression` };
    }
    const values = readIdentitySource(parsed, request);
    if (!values.some((value) => value !== '')) {
      return { ok: false, source, reason: `identity source "${source}" is missing or empty` };
    }
  }
  return { ok: true };
}

/** Every value the source has in the request (several for a repeated header or query key). */
export function readIdentitySource(source: ParsedIdentitySource, request: IdentitySourceRequest): string[] {
  switch (source.kind) {
    case 'header': {
      const wanted = source.name.toLowerCase();
      const found: string[] = [];
      for (const [name, values] of Object.entries(request.multiValueHeaders ?? {})) {
        if (name.toLowerCase() === wanted) found.push(...values);
      }
      if (found.length > 0) return found;
      for (const [name, value] of Object.entries(request.headers ?? {})) {
        if (name.toLowerCase() === wanted) found.push(value);
      }
      return found;
    }
    case 'querystring': {
      const multi = request.multiValueQueryStringParameters?.[source.name];
      if (multi) return [...multi];
      const single = request.queryStringParameters?.[source.name];
      return single === undefined ? [] : [single];
    }
    case 'stageVariables': {
      const value = request.stageVariables?.[source.name];
      return value === undefined ? [] : [value];
    }
    case 'context':
      return scalarToList(readPath(request.requestContext ?? {}, source.name.split('.')));
  }
}

function readPath(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function scalarToList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [];
}
