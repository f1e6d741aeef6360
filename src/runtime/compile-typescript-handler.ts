import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BundlerSettings } from '../build/bundler-plugin.js';
import { bundleHandler, BundleFailure } from '../build/bundle-handler.js';
import { ensureWsgateFolder } from '../workspace/wsgate-folder.js';
import type { ModulePlan } from './resolve-handler-module.js';
import { toRuntimeError } from './runner/to-lambda-error.js';

/** Where compiled TypeScript handlers go: inside the service, so bare imports resolve from its node_modules. */
export const BUILD_DIR = path.join('.wsgate', 'handlers');

/** Without a bundler plugin, a TypeScript handler is compiled with its relative imports and its packages left external. */
function plainTypescript(format: 'cjs' | 'esm'): BundlerSettings {
  return {
    plugin: 'serverless-esbuild',
    esbuild: { bundle: true, packages: 'external', platform: 'node', target: 'node20', format },
    sourcemap: false,
    exclude: [],
    outExtension: format === 'esm' ? '.mjs' : '.js',
  };
}

/**
 * Bundle a handler into `<serviceDir>/.wsgate/handlers/`, with an inline source map for stack traces: a
 * TypeScript one with its relative imports (packages left external), or any one with the options of the
 * service's bundler plugin when it has one. A build error becomes Lambda's `Runtime.UserCodeSyntaxError`.
 */
export async function compileTypescriptHandler(
  file: string,
  format: 'cjs' | 'esm',
  serviceDir: string,
  outputName: string,
  bundler?: { settings: BundlerSettings; nodePaths: string[] },
): Promise<ModulePlan> {
  const settings = bundler?.settings ?? plainTypescript(format);
  const esm = settings.esbuild.format === 'esm';
  // `.cjs`/`.mjs`: the bundle's format holds whatever a package.json near it says.
  const outfile = path.join(serviceDir, BUILD_DIR, `${outputName}.${esm ? 'mjs' : 'cjs'}`);
  ensureWsgateFolder(serviceDir);
  await mkdir(path.dirname(outfile), { recursive: true });
  let code: string;
  try {
    ({ code } = await bundleHandler(settings, { entry: file, outfile, serviceDir, sourcemap: 'inline', nodePaths: bundler?.nodePaths }));
  } catch (err) {
    const detail = err instanceof BundleFailure ? err.message : String(err);
    return { kind: 'missing', error: toRuntimeError('UserCodeSyntaxError', `SyntaxError: ${detail}`) };
  }
  // Written aside then renamed: an instance starting meanwhile never reads half a file.
  const partial = `${outfile}.${process.pid}.tmp`;
  await writeFile(partial, code);
  await rename(partial, outfile);
  return { kind: 'load', file: outfile, loader: esm ? 'import' : 'require', compiled: true };
}
