import { createRequire, Module, SourceMap } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import type { BuildFailure, Loader, Message, Plugin } from 'esbuild';
import { WsgateError } from '../../errors.js';
import { createSourceMap, type ParsedDocument } from '../parse-document.js';
import { isRecord } from '../is-record.js';

export interface LoadedScriptConfig extends ParsedDocument {
  /** The files the configuration was built from (the config file and what it imports from the service), for watch mode. */
  inputs: string[];
}

/**
 * `serverless.ts` / `.js` / `.cjs` / `.mjs`: runs the file as Serverless v3 does (it requires `.js`, `.cjs` and,
 * through ts-node, `.ts`; it imports `.mjs` and takes its default export) and takes the object, or what the
 * promise it exports resolves to. TS/JS files are bundled with esbuild first: that transpiles TypeScript,
 * applies the `paths` of the service's tsconfig.json (`@functions/*`, `@libs/*` of the aws-nodejs-typescript
 * template) and picks up edits of imported files on every load; packages stay `require`d from node_modules.
 */
export async function loadScriptConfig(file: string): Promise<LoadedScriptConfig> {
  const value = await inServiceDir(file, async () => {
    const exported = path.extname(file) === '.mjs' ? await importModule(file) : await requireBundled(file);
    return { inputs: exported.inputs, value: await initialize(file, async () => unwrapDefault(await exported.value)) };
  });
  return toConfig(file, value.value, value.inputs);
}

/**
 * Serverless v3 runs a configuration file from its service folder, and templates rely on it (aws-nodejs-typescript's
 * `handlerPath` cuts `process.cwd()` out of `__dirname`): `--config other/serverless.ts` runs it from `other/` too.
 */
async function inServiceDir<T>(file: string, run: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  const serviceDir = path.dirname(file);
  if (previous === serviceDir) return run();
  process.chdir(serviceDir);
  try {
    return await run();
  } finally {
    process.chdir(previous);
  }
}

function toConfig(file: string, value: unknown, inputs: string[]): LoadedScriptConfig {
  if (!isRecord(value)) {
    throw new WsgateError({
      code: 'INVALID_CONFIGURATION_EXPORT',
      message: `Invalid configuration at "${path.basename(file)}": Plain object expected, got ${describe(value)}`,
      location: { file },
      hint: 'Export the configuration object: `module.exports = serverlessConfiguration` or `export default serverlessConfiguration`.',
    });
  }
  let plain: unknown;
  try {
    // As v3: no class instances, functions or cycles survive into the configuration.
    plain = JSON.parse(JSON.stringify(value));
  } catch (err) {
    throw new WsgateError({
      code: 'INVALID_CONFIGURATION_STRUCTURE',
      message: `Invalid configuration at "${path.basename(file)}": Plain JSON structure expected, when parsing observed error: ${(err as Error).message}`,
      location: { file },
      hint: 'The exported configuration must be plain data (objects, arrays, strings, numbers, booleans); remove cycles.',
    });
  }
  // Values of a script have no line of their own: errors name the file and the config path.
  return { value: plain, sourceMap: createSourceMap(file, new Map()), inputs };
}

interface Exported {
  value: unknown;
  inputs: string[];
}

async function requireBundled(file: string): Promise<Exported> {
  const { build } = await import('esbuild');
  const dir = path.dirname(file);
  let result;
  try {
    result = await build({
      entryPoints: [file],
      absWorkingDir: dir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      // Never written: it names the bundle (beside the file) and its source map, which maps error stacks.
      outfile: `${file}.wsgate-bundle.cjs`,
      sourcemap: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [ownPathsPlugin],
      define: { __dirname: DIRNAME, __filename: FILENAME, 'import.meta.url': IMPORT_META_URL },
    });
  } catch (err) {
    throw buildError(file, err as BuildFailure);
  }
  const code = result.outputFiles.find((output) => output.path.endsWith('.cjs'))!.text;
  const map = result.outputFiles.find((output) => output.path.endsWith('.map'));
  const sourceMap = map ? new SourceMap(JSON.parse(map.text) as ConstructorParameters<typeof SourceMap>[0]) : undefined;
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(dir, input));
  const value = await initialize(file, () => compileAsModule(code, file), sourceMap);
  return { value, inputs };
}

// Each bundled file keeps its own `__dirname` (the aws-nodejs-typescript template builds handler paths from it).
const DIRNAME = '__wsgateDirname';
const FILENAME = '__wsgateFilename';
const IMPORT_META_URL = '__wsgateImportMetaUrl';
const ownPathsPlugin: Plugin = {
  name: 'wsgate-own-paths',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await readFile(args.path, 'utf8');
      const prelude =
        `const ${DIRNAME} = ${JSON.stringify(path.dirname(args.path))}; const ${FILENAME} = ${JSON.stringify(args.path)}; ` +
        `const ${IMPORT_META_URL} = ${JSON.stringify(pathToFileURL(args.path).href)};`;
      // On the first line, so that the lines of the file stay its own.
      return { contents: `${prelude}${source}`, loader: loaderOf(args.path) };
    });
  },
};

function loaderOf(file: string): Loader {
  const extension = path.extname(file);
  if (extension === '.tsx' || extension === '.jsx') return extension.slice(1) as Loader;
  return /\.[cm]?ts$/.test(extension) ? 'ts' : 'js';
}

function compileAsModule(code: string, file: string): unknown {
  const module = new Module(file) as Module & { _compile(code: string, filename: string): void };
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  module.require = createRequire(file);
  module._compile(code, file);
  return module.exports;
}

async function importModule(file: string): Promise<Exported> {
  // A query per load: a changed file is imported afresh in watch mode (files it imports stay cached, as in Node).
  const url = `${pathToFileURL(file).href}?wsgate-load=${Date.now()}`;
  const namespace = await initialize(file, () => import(url) as Promise<Record<string, unknown>>);
  return { value: namespace.default, inputs: [file] };
}

/** `export default` compiled to CommonJS leaves `{ default: … }` with `__esModule`; v3 users write both forms. */
function unwrapDefault(value: unknown): unknown {
  if (isRecord(value) && 'default' in value && (value.__esModule === true || Object.keys(value).length === 1)) return value.default;
  return value;
}

async function initialize<T>(file: string, run: () => T | Promise<T>, sourceMap?: SourceMap): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WsgateError) throw err;
    const error = err instanceof Error ? err : new Error(String(err));
    const location = locateInStack(error, file, sourceMap) ?? { file };
    throw new WsgateError({
      code: 'CONFIGURATION_INITIALIZATION_ERROR',
      message: `Cannot load "${path.basename(file)}": Initialization error: ${error.message}`,
      location,
      hint: `${path.basename(file)} threw while it was run to read the configuration; fix the code at this place.`,
      cause: err,
    });
  }
}

/** The first stack frame in the service's own files; frames of the bundle are mapped back to the TypeScript lines. */
function locateInStack(error: Error, file: string, sourceMap?: SourceMap): { file: string; line: number; column: number } | undefined {
  const dir = path.dirname(file);
  for (const match of (error.stack ?? '').matchAll(/\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/gm)) {
    const frameFile = match[1]!.replace(/^file:\/\//, '');
    const line = Number(match[2]);
    const column = Number(match[3]);
    if (frameFile === file && sourceMap) {
      const entry = sourceMap.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      if (entry.originalSource === undefined || entry.originalLine === undefined) continue;
      const original = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : path.resolve(dir, entry.originalSource);
      return { file: original, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
    }
    if (frameFile.startsWith(dir) && !frameFile.includes(`${path.sep}node_modules${path.sep}`)) return { file: frameFile, line, column };
  }
  return undefined;
}

function buildError(file: string, failure: BuildFailure): WsgateError {
  const errors: Message[] = failure.errors ?? [];
  const dir = path.dirname(file);
  const issues = errors.map((message) => ({
    code: 'CONFIGURATION_BUILD_ERROR',
    message: `Cannot load "${path.basename(file)}": ${message.text}`,
    location: message.location
      ? { file: path.resolve(dir, message.location.file), line: message.location.line, column: message.location.column + 1 }
      : { file },
    hint: message.notes[0]?.text ?? 'Fix the TypeScript/JavaScript at this place (esbuild could not compile it).',
  }));
  if (issues.length === 0) {
    return new WsgateError({ code: 'CONFIGURATION_BUILD_ERROR', message: `Cannot load "${path.basename(file)}": ${failure.message}`, location: { file }, cause: failure });
  }
  return new WsgateError({ ...issues[0]!, issues, cause: failure });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object that is not plain' : `a ${typeof value}`;
}
