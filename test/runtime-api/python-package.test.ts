import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { packageService } from '../../src/package/package-service.js';
import { readZipListing } from '../package/read-zip.js';

const fixture = path.resolve('test/fixtures/services/python-chat');
let dir: string | undefined;
let layerDir: string | undefined;
afterAll(async () => {
  for (const folder of [dir, layerDir]) if (folder) await rm(folder, { recursive: true, force: true });
});

describe('wsgate package: Python and provided functions', () => {
  it("zips them with Serverless v3's default excludes: sources, packages, bootstrap (executable), __pycache__ as v3 leaves it", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-python-package-'));
    await cp(fixture, dir, { recursive: true });
    // v3 has no __pycache__ rule: one the developer's own python wrote is packaged as v3 packages it.
    await mkdir(path.join(dir, '__pycache__'));
    await writeFile(path.join(dir, '__pycache__', 'handler.cpython-311.pyc'), 'compiled');
    const { model } = await loadService({ serviceDir: dir });
    const packaged = await packageService(model, { now: new Date('2024-01-01T00:00:00Z') });
    const listing = readZipListing(await readFile(packaged.artifact.path));
    expect(listing.map((entry) => entry.name)).toEqual([
      '__pycache__/handler.cpython-311.pyc',
      'bootstrap',
      'broken.py',
      'function.sh',
      'handler.py',
      'node-handler.js',
      'package.json',
      'pkg/__init__.py',
      'pkg/routes.py',
    ]);
    expect(listing.find((entry) => entry.name === 'bootstrap')!.mode).toBe(0o100755);
  });

  it("zips a provided runtime's layer with its bootstrap executable at the root (Lambda's /opt/bootstrap), and the service without the layer folders", async () => {
    layerDir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-provided-package-'));
    await cp(path.resolve('test/fixtures/services/provided-layer'), layerDir, { recursive: true });
    const { model } = await loadService({ serviceDir: layerDir });
    const packaged = await packageService(model, { now: new Date('2024-01-01T00:00:00Z') });
    expect(readZipListing(await readFile(packaged.artifact.path)).map((entry) => entry.name)).toEqual(['functions.sh']);
    const runtimeZip = readZipListing(await readFile(path.join(packaged.packageDir, 'shellRuntime.zip')));
    expect(runtimeZip.map((entry) => [entry.name, entry.mode])).toEqual([['bootstrap', 0o100755]]);
  });
});
