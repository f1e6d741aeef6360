import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/serverless-v3');
const services = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/services');

/** A copy of `test/fixtures/services/{name}` in a temp folder, as Serverless v3 packaged it. */
export function copyServiceFixture(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-pkg-'));
  cpSync(join(services, name), dir, { recursive: true });
  // The compile fixtures share one handler file (the one Serverless v3 packaged them with).
  if (!existsSync(join(dir, 'handler.js'))) copyFileSync(join(services, 'compile-handler.js'), join(dir, 'handler.js'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

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

/** Entries of each zip Serverless v3 wrote for a fixture, by zip name (`zip-entries.json`). */
export function readV3ZipListings(name: string): Record<string, string[]> {
  return JSON.parse(readFileSync(join(fixtures, name, 'zip-entries.json'), 'utf8')) as Record<string, string[]>;
}
