import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HandlerReference } from './parse-handler.js';
import type { LambdaError, ModuleLoader } from './runner/protocol.js';
import { toRuntimeError } from './runner/to-lambda-error.js';

export type ModulePlan =
  | { kind: 'load'; file: string; loader: ModuleLoader; /** Compiled by wsgate: stack traces need its source map. */ compiled?: boolean }
  | { kind: 'typescript'; file: string; format: 'cjs' | 'esm' }
  | { kind: 'missing'; error: LambdaError };

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Whether `.js` files in `folder` are ES modules: the nearest package.json says `"type": "module"`. */
export function isTypeModuleFolder(folder: string): boolean {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (path.basename(dir) === 'node_modules') return false;
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * Find the file a handler names, in the order of Lambda's Node.js runtime: extensionless, `.js` (CommonJS or
 * ES module by package.json `type`), `.mjs`, `.cjs`, then TypeScript (`.ts`, `.mts`, `.cts`, compiled by
 * wsgate), then Node's own resolution from the service folder.
 */
export function resolveHandlerModule(reference: HandlerReference, serviceDir: string): ModulePlan {
  const base = reference.modulePath;
  if (isFile(base)) return { kind: 'load', file: base, loader: 'require' };
  const typeModule = isTypeModuleFolder(path.dirname(base));
  if (isFile(`${base}.js`)) return { kind: 'load', file: `${base}.js`, loader: typeModule ? 'import' : 'require' };
  if (isFile(`${base}.mjs`)) return { kind: 'load', file: `${base}.mjs`, loader: 'import' };
  if (isFile(`${base}.cjs`)) return { kind: 'load', file: `${base}.cjs`, loader: 'require' };
  if (isFile(`${base}.ts`)) return { kind: 'typescript', file: `${base}.ts`, format: typeModule ? 'esm' : 'cjs' };
  if (isFile(`${base}.mts`)) return { kind: 'typescript', file: `${base}.mts`, format: 'esm' };
  if (isFile(`${base}.cts`)) return { kind: 'typescript', file: `${base}.cts`, format: 'cjs' };
  try {
    const requireFromService = createRequire(path.join(serviceDir, 'noop.js'));
    const file = requireFromService.resolve(reference.moduleName, { paths: [serviceDir, path.dirname(base)] });
    return { kind: 'load', file, loader: 'require' };
  } catch {
    // Lambda's text, byte for byte (its runtime lives at /var/runtime/index.mjs).
    const message = `Error: Cannot find module '${reference.moduleName}'\nRequire stack:\n- /var/runtime/index.mjs`;
    return { kind: 'missing', error: toRuntimeError('ImportModuleError', message) };
  }
}
