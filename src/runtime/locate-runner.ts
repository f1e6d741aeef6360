import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let located: Promise<string> | undefined;

/**
 * The runner script a handler instance executes. Built (`dist/`), it is the compiled `runner/lambda-runner.js`
 * next to this module; from sources (vitest), the TypeScript runner is bundled once into the temp folder.
 */
export function locateRunner(): Promise<string> {
  located ??= findOrBuildRunner();
  return located;
}

async function findOrBuildRunner(): Promise<string> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const compiled = path.join(here, 'runner', 'lambda-runner.js');
  if (existsSync(compiled)) return compiled;
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(here, 'runner', 'lambda-runner.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `wsgate-lambda-runner-${hash}.mjs`);
  if (!existsSync(file)) {
    // Written aside then renamed: other test workers may fork the same file at the same moment.
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, code);
    await rename(partial, file);
  }
  return file;
}
