/** A path into the configuration: object keys and array indexes. */
export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Formats a path as users read it: `functions.connect.events[0].websocket`. */
export function formatConfigPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

// One segment of a formatted path: `key` or `.key`, `[0]`, `["quoted key"]`.
const SEGMENT = /\.?([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The inverse of `formatConfigPath`; undefined for text that is not a formatted path. */
export function parseConfigPath(formatted: string): PathSegment[] | undefined {
  const path: PathSegment[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < formatted.length) {
    const match = SEGMENT.exec(formatted);
    if (!match) return undefined;
    path.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (JSON.parse(match[3]!) as string)));
  }
  return path;
}

/** Splits a Serverless variable address (`custom.a.b`, also `list.0`) into segments. */
export function parseAddress(address: string): string[] {
  return address === '' ? [] : address.split('.');
}
