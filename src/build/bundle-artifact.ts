import path from 'node:path';
import type { FunctionModel, ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { parseHandler } from '../runtime/parse-handler.js';
import { resolveHandlerModule } from '../runtime/resolve-handler-module.js';
import { pickFiles, type ServiceFiles } from '../package/select-service-files.js';
import { folderEntries, type ZipEntry } from '../package/zip-files.js';
import { layerNodePaths } from '../runtime/layer-environment.js';
import { bundleHandler, BundleFailure } from './bundle-handler.js';
import { externalModuleEntries } from './external-modules.js';
import type { BundlerSettings } from './bundler-plugin.js';

/** The package names of `custom.esbuild.external` (not `exclude`d): they go into the zip as the plugin's packager installs them. */
function externalPackages(settings: BundlerSettings): string[] {
  return (settings.esbuild.external ?? []).filter((name) => !settings.exclude.includes(name) && !name.includes('*'));
}

/**
 * The zip entries of a bundled artifact, laid out as serverless-esbuild's `.esbuild/.build` folder: each function's
 * bundle at its handler's path with the bundle's extension (so the handler string stays as written), its `.map` when
 * `sourcemap` is on, the files the user's `package.patterns` add, and the `external` packages with their dependencies.
 */
export async function bundledEntries(
  model: ServiceModel,
  settings: BundlerSettings,
  functions: readonly FunctionModel[],
  files: ServiceFiles,
  own: FunctionModel | undefined,
  issues: ErrorDetail[],
): Promise<ZipEntry[]> {
  const entries = new Map<string, ZipEntry>();
  for (const fn of functions) {
    if (!fn.runtime.startsWith('nodejs')) continue;
    const parsed = parseHandler(fn.handler, model.serviceDir);
    const plan = parsed.ok ? resolveHandlerModule(parsed.reference, model.serviceDir) : undefined;
    if (!parsed.ok || !plan || plan.kind === 'missing') {
      issues.push({
        code: 'PACKAGE_HANDLER_NOT_FOUND',
        message: `handler '${fn.handler}' of function '${fn.key}' names no file to bundle`,
        path: `${fn.configPath}.handler`,
        location: { file: model.configFile },
        hint: 'Give the path of the handler file relative to serverless.yml, without extension.',
      });
      continue;
    }
    const name = `${path.relative(model.serviceDir, parsed.reference.modulePath).split(path.sep).join('/')}${settings.outExtension}`;
    if (entries.has(name)) continue;
    try {
      const { code, map } = await bundleHandler(settings, {
        entry: plan.file,
        outfile: path.join(model.serviceDir, name),
        serviceDir: model.serviceDir,
        sourcemap: settings.sourcemap ? 'external' : false,
        nodePaths: layerNodePaths(fn),
      });
      entries.set(name, { name, data: Buffer.from(code) });
      if (map) entries.set(`${name}.map`, { name: `${name}.map`, data: Buffer.from(map) });
    } catch (err) {
      issues.push({
        code: 'PACKAGE_BUNDLE_FAILED',
        message: `bundling the handler of function '${fn.key}' failed: ${err instanceof BundleFailure ? err.message : String(err)}`,
        path: `${fn.configPath}.handler`,
        location: { file: model.configFile },
        hint: 'Fix the error in the handler\'s code (it would fail the same way under the bundler plugin).',
      });
    }
  }
  const patterns = ['!**', ...model.package.patterns, ...(own?.package?.patterns ?? [])];
  const externals = await externalModuleEntries(model.serviceDir, externalPackages(settings), settings.exclude, model.configFile, issues);
  for (const entry of [...folderEntries(model.serviceDir, pickFiles(files, patterns)), ...externals]) {
    if (!entries.has(entry.name)) entries.set(entry.name, entry);
  }
  return [...entries.values()];
}
