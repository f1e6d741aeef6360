import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { parseHandler, type HandlerReference } from './parse-handler.js';
import { resolveHandlerModule } from './resolve-handler-module.js';

const MODULE_EXTENSIONS = /\.(js|mjs|cjs|ts|mts|cts)$/;

/** The names a module exports, when they can be told without running it; undefined when they cannot. */
async function exportedNames(file: string, esm: boolean): Promise<string[] | undefined> {
  const source = await readFile(file, 'utf8');
  if (esm || /\.(ts|mts|cts)$/.test(file)) {
    if (/\bexport\s*\*/.test(source) || /\bmodule\.exports\b|\bexports\.\w+\s*=/.test(source)) return undefined;
    const { build } = await import('esbuild');
    const result = await build({ entryPoints: [file], bundle: false, format: 'esm', metafile: true, write: false, outdir: path.dirname(file), logLevel: 'silent' }).catch(() => undefined);
    const output = result && Object.values(result.metafile?.outputs ?? {})[0];
    return output?.exports;
  }
  const lexer = await import('cjs-module-lexer');
  await lexer.init();
  try {
    const { exports, reexports } = lexer.parse(source);
    return reexports.length > 0 || exports.length === 0 ? undefined : exports;
  } catch {
    return undefined;
  }
}

function missingFile(model: ServiceModel, handler: string, reference: HandlerReference, configPath: string): ErrorDetail {
  const folder = path.dirname(reference.modulePath);
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((name) => MODULE_EXTENSIONS.test(name)).map((name) => name.replace(MODULE_EXTENSIONS, ''));
  } catch {
    // The folder itself is missing: no suggestion.
  }
  const guess = didYouMean(reference.moduleName, names);
  const relativeFolder = path.relative(model.serviceDir, folder);
  const suggestion = guess ? `${relativeFolder ? `${relativeFolder}/` : ''}${guess}.${reference.exportPath}` : undefined;
  return {
    code: 'RUNTIME_HANDLER_NOT_FOUND',
    message: `handler '${handler}': no file ${path.relative(model.serviceDir, reference.modulePath)}(.js, .mjs, .cjs, .ts) in the service folder`,
    path: configPath,
    location: { file: model.configFile },
    hint: suggestion ? `Did you mean '${suggestion}'?` : 'Give the path of the handler file relative to serverless.yml, without extension.',
  };
}

/**
 * Every handler whose file or export does not exist, found before the gateway listens (Lambda would only say so
 * at the first invocation). Exports are read without running the module, where the module's form allows.
 */
export async function checkHandlers(model: ServiceModel): Promise<ErrorDetail[]> {
  const issues: ErrorDetail[] = [];
  for (const fn of model.functions.values()) {
    if (!fn.runtime.startsWith('nodejs')) continue;
    const parsed = parseHandler(fn.handler, model.serviceDir);
    if (!parsed.ok) continue; // the invoker reports it with its own message
    const configPath = `${fn.configPath}.handler`;
    const plan = resolveHandlerModule(parsed.reference, model.serviceDir);
    if (plan.kind === 'missing') {
      issues.push(missingFile(model, fn.handler, parsed.reference, configPath));
      continue;
    }
    if (plan.file.split(path.sep).includes('node_modules')) continue;
    const esm = plan.kind === 'typescript' ? plan.format === 'esm' : plan.loader === 'import';
    const names = await exportedNames(plan.file, esm);
    const exportName = parsed.reference.exportPath.split('.')[0]!;
    if (!names || names.includes(exportName)) continue;
    const guess = didYouMean(exportName, names.filter((name) => name !== 'default'));
    const file = path.relative(model.serviceDir, plan.file);
    issues.push({
      code: 'RUNTIME_HANDLER_EXPORT_NOT_FOUND',
      message: `handler '${fn.handler}': ${file} exports no '${exportName}' (it exports ${names.map((n) => `'${n}'`).join(', ')})`,
      path: configPath,
      location: { file: model.configFile },
      hint: guess ? `Did you mean '${fn.handler.slice(0, fn.handler.length - parsed.reference.exportPath.length)}${guess}'?` : `Export a function named '${exportName}' from ${file}.`,
    });
  }
  return issues;
}
