import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadService } from '../../src/config/load.js';
import { artifactFileName, compile, functionArtifactSource, type CompiledService } from '../../src/compile/index.js';
import { lambdaFunctionId } from '../../src/compile/naming.js';

const here = dirname(fileURLToPath(import.meta.url));
export const servicesDir = resolve(here, '../fixtures/services');
export const referenceDir = resolve(here, '../fixtures/serverless-v3');

/** Every compile fixture that has a Serverless v3 reference template. */
export function referenceFixtures(): string[] {
  return readdirSync(referenceDir)
    .filter((name) => name.startsWith('compile-'))
    .sort();
}

export function readReference(name: string, which: 'create' | 'update'): unknown {
  const file = join(referenceDir, name, `cloudformation-template-${which}-stack.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

export const FAKE_ARTIFACT = { name: 'placeholder.zip', sha256: 'bm90IGEgcmVhbCBoYXNoIGJ1dCBiYXNlNjQgb2sgISE=' };

/**
 * Compiles a fixture as if its artifacts hashed to `sha256`, or per function to `sha256ByFunctionId`
 * (keyed by the function's logical id, as a reference template's versions name them).
 */
export async function compileFixture(
  name: string,
  sha256 = FAKE_ARTIFACT.sha256,
  sha256ByFunctionId: Readonly<Record<string, string>> = {},
): Promise<CompiledService> {
  const { model } = await loadService({ serviceDir: join(servicesDir, name), env: {} });
  const functionArtifacts: Record<string, { name: string; sha256: string }> = {};
  for (const fn of model.functions.values()) {
    const own = sha256ByFunctionId[lambdaFunctionId(fn.key)];
    if (own) functionArtifacts[fn.key] = { name: artifactFileName(model, functionArtifactSource(model, fn)), sha256: own };
  }
  return compile(model, {
    artifact: { name: `${model.service}.zip`, sha256 },
    functionArtifacts,
    artifactDirectoryName: `serverless/${model.service}/${model.stage}/1700000000000-2023-11-14T22:13:20.000Z`,
  });
}
