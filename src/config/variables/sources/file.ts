import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument, type SourceMap } from '../../parse-document.js';
import { parseAddress } from '../../config-path.js';
import { isRecord } from '../../is-record.js';
import { WsgateError } from '../../../errors.js';
import { VariableSourceError, type VariableSource } from '../source.js';

/**
 * `${file(./x.yml)}` / `${file(./x.json):a.b}`: a file inside the service folder, YAML or JSON parsed,
 * anything else as text. A missing file has no value (so a fallback applies).
 */
export function createFileSource(): VariableSource {
  const contents = new Map<string, Promise<{ value: unknown; sourceMap?: SourceMap }>>();
  return async ({ params, address }, ctx) => {
    const target = params[0];
    if (target === undefined || target === null || target === '') {
      throw new VariableSourceError('MISSING_FILE_SOURCE_PATH', 'Missing path argument in variable "file" source', 'Write ${file(./path/to/file.yml)}.');
    }
    const file = path.resolve(ctx.serviceDir, String(target));
    if (!file.startsWith(`${ctx.serviceDir}${path.sep}`)) {
      throw new VariableSourceError(
        'FILE_SOURCE_PATH_OUTSIDE_OF_SERVICE',
        'Cannot load file from outside of service folder',
        'Move the file into the service folder, as Serverless v3 requires.',
      );
    }
    let content = contents.get(file);
    if (!content) {
      content = readContent(file, ctx.serviceDir);
      contents.set(file, content);
    }
    const loaded = await content;
    let value = loaded.value;
    const keys = parseAddress(address ?? '');
    for (const key of keys) {
      if (value === null || value === undefined) return null;
      value = isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (value === undefined || value === null) return null;
    if (loaded.sourceMap && typeof value === 'object') ctx.registerInclude(loaded.sourceMap, keys);
    // Each use gets its own copy: the resolver writes resolved values into it.
    return structuredClone(value);
  };
}

async function readContent(file: string, serviceDir: string): Promise<{ value: unknown; sourceMap?: SourceMap }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { value: null };
    throw new VariableSourceError('FILE_NOT_ACCESSIBLE', `Cannot read "${path.relative(serviceDir, file)}": ${(err as Error).message}`, 'Check that the file is readable.');
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yml' || ext === '.yaml' || ext === '.json') {
    try {
      return parseDocument(text, file);
    } catch (err) {
      const detail = err instanceof WsgateError ? err.message : String(err);
      throw new VariableSourceError('FILE_PARSE_ERROR', `Cannot parse "${path.relative(serviceDir, file)}": ${detail}`, 'Fix the syntax of the included file.');
    }
  }
  if (ext === '.js' || ext === '.cjs' || ext === '.mjs' || ext === '.ts') {
    throw new VariableSourceError(
      'VARIABLES_FILE_JS_UNSUPPORTED',
      `Cannot load "${path.relative(serviceDir, file)}": wsgate does not run JavaScript at configuration time`,
      'Put the values in a .yml or .json file.',
    );
  }
  return { value: text };
}
