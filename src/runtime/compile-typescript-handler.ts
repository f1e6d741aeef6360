import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureWsgateFolder } from '../workspace/wsgate-folder.js';
import type { Message } from 'esbuild';
import type { ModulePlan } from './resolve-handler-module.js';
import { toRuntimeError } from './runner/to-lambda-error.js';

/** Where compiled TypeScript handlers go: inside the service, so bare imports resolve from its node_modules. */
export const BUILD_DIR = path.join('.wsgate', 'handlers');

// An ES module bundle still meets `require` in compiled code and in CommonJS dependencies.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __wsgateCreateRequire } from 'node:module'; const require = __wsgateCreateRequire(import.meta.url);";

function formatMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : '';
  return `${where}${message.text}`;
}

/**
 * Bundle a TypeScript handler (its relative imports included, packages left external) into
 * `<serviceDir>/.wsgate/handlers/`, with an inline source map for stack traces. A compile error becomes
 * Lambda's `Runtime.UserCodeSyntaxError`.
 */
export async function compileTypescriptHandler(
  file: string,
  format: 'cjs' | 'esm',
  serviceDir: string,
  outputName: string,
): Promise<ModulePlan> {
  const outfile = path.join(serviceDir, BUILD_DIR, `${outputName}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  ensureWsgateFolder(serviceDir);
  await mkdir(path.dirname(outfile), { recursive: true });
  let code: string;
  try {
    // Loaded on first use: services without TypeScript handlers never pay for esbuild.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [file],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format,
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      absWorkingDir: serviceDir,
      banner: format === 'esm' ? { js: ESM_REQUIRE_BANNER } : undefined,
      write: false,
    });
    code = result.outputFiles[0]!.text;
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors ?? [];
    const detail = errors.length > 0 ? errors.map(formatMessage).join('\n') : String(err);
    return { kind: 'missing', error: toRuntimeError('UserCodeSyntaxError', `SyntaxError: ${detail}`) };
  }
  // Written aside then renamed: an instance starting meanwhile never reads half a file.
  const partial = `${outfile}.${process.pid}.tmp`;
  await writeFile(partial, code);
  await rename(partial, outfile);
  return { kind: 'load', file: outfile, loader: format === 'esm' ? 'import' : 'require', compiled: true };
}
