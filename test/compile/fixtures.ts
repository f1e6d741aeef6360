import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadService } from '../../src/config/load.js';
import { compile, type CompiledService } from '../../src/compile/index.js';

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

export async function compileFixture(name: string, sha256 = FAKE_ARTIFACT.sha256): Promise<CompiledService> {
  const { model } = await loadService({ serviceDir: join(servicesDir, name), env: {} });
  return compile(model, {
    artifact: { name: `${model.service}.zip`, sha256 },
    artifactDirectoryName: `serverless/${model.service}/${model.stage}/1700000000000-2023-11-14T22:13:20.000Z`,
  });
}
