import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/serverless-v3');

/** The artifact fixture (a service with node_modules, which git must not hold) written into a temp folder. */
export function writeArtifactService(): { dir: string; cleanup: () => void } {
  const tree = JSON.parse(readFileSync(join(fixtures, 'artifact-tree.json'), 'utf8')) as Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-artifact-'));
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The file list of the zip Serverless v3 built from the same tree. */
export function readV3ZipEntries(): string[] {
  return JSON.parse(readFileSync(join(fixtures, 'artifact', 'zip-entries.json'), 'utf8')) as string[];
}
