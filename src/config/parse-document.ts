import { LineCounter, parseDocument as parseYamlDocument, isMap, isSeq, isScalar, isPair, type Node } from 'yaml';
import { WsgateError, type ErrorDetail, type SourceLocation } from '../errors.js';
import { formatConfigPath, type ConfigPath } from './config-path.js';

/** Where each node of a parsed configuration file sits, keyed by formatted config path. */
export interface SourceMap {
  readonly file: string;
  /** Location of the value node at a path (falls back to the nearest ancestor that has one). */
  locate(path: ConfigPath): SourceLocation;
}

export interface ParsedDocument {
  value: unknown;
  sourceMap: SourceMap;
}

interface Position {
  line: number;
  column: number;
}

/**
 * Parses YAML (JSON is parsed by the same parser, it is a YAML subset) keeping the position of every
 * node, so later errors can point at the user's line even after variables were resolved.
 */
export function parseDocument(text: string, file: string): ParsedDocument {
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
    customTags: CLOUDFORMATION_TAGS,
  });
  if (doc.errors.length > 0) {
    const issues: ErrorDetail[] = doc.errors.map((e) => {
      const pos = e.pos ? lineCounter.linePos(e.pos[0]) : undefined;
      return {
        code: 'CONFIG_PARSE_ERROR',
        message: `Cannot parse ${file}: ${firstLine(e.message)}`,
        location: { file, line: pos?.line, column: pos?.col },
        hint: 'Fix the YAML/JSON syntax at this line.',
      };
    });
    throw new WsgateError({ ...issues[0], issues });
  }
  // Map entries point at their key (`authorizer:`), list items at the item: where a reader looks.
  const positions = new Map<string, Position>();
  const mark = (path: ConfigPath, offset: number) => {
    const pos = lineCounter.linePos(offset);
    positions.set(formatConfigPath(path), { line: pos.line, column: pos.col });
  };
  const record = (node: Node | null | undefined, path: ConfigPath, markSelf: boolean) => {
    if (!node) return;
    if (markSelf && node.range) mark(path, node.range[0]);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const childPath = [...path, key];
        const keyNode = pair.key as Node | null;
        if (keyNode?.range) mark(childPath, keyNode.range[0]);
        record(pair.value as Node | null, childPath, !keyNode?.range);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => record(item as Node, [...path, i], true));
    }
  };
  let value: unknown;
  try {
    record(doc.contents as Node | null, [], true);
    value = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (err) {
    // Found only while building values (complex keys are built to name them): a merge key (`<<`) of something that is not a map, too many aliases.
    throw new WsgateError({
      code: 'CONFIG_PARSE_ERROR',
      message: `Cannot parse ${file}: ${firstLine(err instanceof Error ? err.message : String(err))}`,
      location: { file },
      hint: 'Merge keys (<<) take a map or an alias of a map; check the anchors and aliases of the file.',
      cause: err,
    });
  }
  if (isCyclic(value)) {
    throw new WsgateError({
      code: 'CONFIG_PARSE_ERROR',
      message: `Cannot parse ${file}: an alias refers to the node that holds it, so the value would contain itself`,
      location: { file },
      hint: 'An alias (*name) cannot point at an anchor (&name) around it; copy the value instead.',
    });
  }
  return { value, sourceMap: createSourceMap(file, positions) };
}

/** YAML allows `a: &a [*a]`; every later step walks the configuration and would never end. */
function isCyclic(value: unknown, ancestors = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  for (const child of Object.values(value)) if (isCyclic(child, ancestors)) return true;
  ancestors.delete(value);
  return false;
}

/** A source map over the positions recorded for each formatted config path (none: every path locates to the file). */
export function createSourceMap(file: string, positions: Map<string, Position>): SourceMap {
  return {
    file,
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const pos = positions.get(formatConfigPath(path.slice(0, n)));
        if (pos) return { file, line: pos.line, column: pos.column };
      }
      return { file };
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** CloudFormation short-form tags (`!Ref`, `!GetAtt`, `!Sub`…) become their long form, as Serverless reads them. */
const CLOUDFORMATION_TAGS = buildCloudFormationTags();

function buildCloudFormationTags() {
  const functions = [
    'Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform',
    'And', 'Equals', 'If', 'Not', 'Or', 'GetAtt',
  ];
  const tags: Array<{ tag: string; collection?: 'map' | 'seq'; resolve: (value: any) => unknown }> = [];
  const wrap = (fn: string) => (value: any) => {
    const v = typeof value?.toJSON === 'function' ? value.toJSON() : value;
    if (fn === 'Fn::GetAtt' && typeof v === 'string') {
      const dot = v.indexOf('.');
      return { [fn]: dot === -1 ? [v] : [v.slice(0, dot), v.slice(dot + 1)] };
    }
    return { [fn]: v };
  };
  for (const name of ['Ref', 'Condition', ...functions]) {
    const fn = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    tags.push({ tag: `!${name}`, resolve: wrap(fn) });
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: wrap(fn) });
    tags.push({ tag: `!${name}`, collection: 'map', resolve: wrap(fn) });
  }
  return tags;
}
