import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { packageService } from '../../src/package/package-service.js';
import { selectServiceFiles } from '../../src/package/select-service-files.js';
import { readZipListing } from './read-zip.js';
import { readV3ZipEntries, writeArtifactService } from './service-tree.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

async function artifactService() {
  const service = writeArtifactService();
  cleanups.push(service.cleanup);
  const { model } = await loadService({ serviceDir: service.dir, env: {} });
  return { dir: service.dir, model };
}

function outsideDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-out-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const versionIds = (template: { Resources: Record<string, unknown> }) =>
  Object.keys(template.Resources).filter((id) => id.includes('LambdaVersion'));

describe('the service artifact', () => {
  it('holds the files Serverless v3 packs: patterns in order, no config file, no dev dependencies', async () => {
    const { model } = await artifactService();
    // v3 also packs .wsgate/, wsgate's own state folder, which wsgate leaves out (docs/package.md).
    const expected = readV3ZipEntries().filter((name) => !name.startsWith('.wsgate/'));
    expect(await selectServiceFiles(model)).toEqual(expected);
    expect(expected).toContain('node_modules/shared-dep/index.js');
    expect(expected).not.toContain('node_modules/dev-only/index.js');
  });

  it('is a zip of exactly those files, sorted, with fixed timestamps and permissions', async () => {
    const { dir, model } = await artifactService();
    chmodSync(join(dir, 'src/handler.js'), 0o755);
    const packaged = await packageService(model, { now: new Date('2024-01-02T03:04:05.000Z') });
    const listing = readZipListing(readFileSync(packaged.artifact.path));
    expect(listing.map((entry) => entry.name)).toEqual(
      readV3ZipEntries().filter((name) => !name.startsWith('.wsgate/')),
    );
    for (const entry of listing) {
      expect(entry.dosDate).toBe((0 << 9) | (1 << 5) | 1); // 1980-01-01
      expect(entry.dosTime).toBe(0);
      expect(entry.extraLength).toBe(0);
      expect(entry.mode).toBe(entry.name === 'src/handler.js' ? 0o100755 : 0o100644);
    }
  });

  it('is byte-for-byte the same for the same files, so the Lambda version ids stay the same', async () => {
    const { dir, model } = await artifactService();
    const first = await packageService(model, { packageDir: outsideDir(), now: new Date('2024-01-01T00:00:00Z') });
    utimesSync(join(dir, 'src/handler.js'), new Date('2030-01-01'), new Date('2030-01-01'));
    const second = await packageService(model, { packageDir: outsideDir(), now: new Date('2025-06-01T00:00:00Z') });
    expect(readFileSync(second.artifact.path).equals(readFileSync(first.artifact.path))).toBe(true);
    expect(versionIds(second.updateTemplate)).toEqual(versionIds(first.updateTemplate));
    expect(JSON.stringify(second.updateTemplate)).toContain(
      'serverless/ws-artifact/dev/1748736000000-2025-06-01T00:00:00.000Z/ws-artifact.zip',
    );

    writeFileSync(join(dir, 'src/handler.js'), 'module.exports.defaultHandler = async () => ({ statusCode: 204 });\n');
    const third = await packageService(model, { packageDir: outsideDir() });
    expect(third.artifact.sha256).not.toBe(first.artifact.sha256);
    expect(versionIds(third.updateTemplate)).toHaveLength(1);
    expect(versionIds(third.updateTemplate)).not.toEqual(versionIds(first.updateTemplate));
  });

  it('rolls the version id when the function configuration changes but the code does not', async () => {
    const { model } = await artifactService();
    const base = await packageService(model, { packageDir: outsideDir() });
    const fn = model.functions.get('defaultHandler')!;
    const changed = { ...model, functions: new Map([['defaultHandler', { ...fn, memorySize: fn.memorySize * 2 }]]) };
    const other = await packageService(changed, { packageDir: outsideDir() });
    expect(other.artifact.sha256).toBe(base.artifact.sha256);
    expect(versionIds(other.updateTemplate)).not.toEqual(versionIds(base.updateTemplate));
  });

  it('leaves out a package folder that lies inside the service folder', async () => {
    const { dir, model } = await artifactService();
    await packageService(model, { packageDir: 'build/out' });
    const again = await packageService(model, { packageDir: 'build/out' });
    expect(again.packageDir).toBe(join(dir, 'build/out'));
    expect(
      readZipListing(readFileSync(again.artifact.path)).filter((entry) => entry.name.startsWith('build/')),
    ).toEqual([]);
  });

  it('writes one zip per function with package.individually, as v3 names them', async () => {
    const { model } = await artifactService();
    const out = outsideDir();
    const packaged = await packageService(
      { ...model, package: { ...model.package, individually: true } },
      { packageDir: out },
    );
    expect(packaged.files.map((file) => file.slice(out.length + 1))).toEqual([
      'cloudformation-template-create-stack.json',
      'cloudformation-template-update-stack.json',
      'defaultHandler.zip',
    ]);
    const code = (packaged.updateTemplate.Resources.DefaultHandlerLambdaFunction.Properties as any).Code;
    expect(code.S3Key).toMatch(/\/defaultHandler\.zip$/);
  });

  it('uses a prebuilt package.artifact unchanged, and names a missing one clearly', async () => {
    const { dir, model } = await artifactService();
    writeFileSync(join(dir, 'prebuilt.zip'), 'not really a zip, but bytes to hash');
    const out = outsideDir();
    const packaged = await packageService(
      { ...model, package: { ...model.package, artifact: 'prebuilt.zip' } },
      { packageDir: out },
    );
    expect(readFileSync(join(out, 'prebuilt.zip'), 'utf8')).toBe('not really a zip, but bytes to hash');
    const version = Object.values(packaged.updateTemplate.Resources).find((r) => r.Type === 'AWS::Lambda::Version')!;
    // sha256 of the bytes above, base64 (computed independently with `openssl dgst -sha256 -binary | base64`)
    expect(version.Properties?.CodeSha256).toBe('Qt8AZ2v3B6lUwVTkkpPn3X1lgEMi+DQvp/+NgXV7EUA=');
    await expect(
      packageService({ ...model, package: { ...model.package, artifact: 'missing.zip' } }, { packageDir: out }),
    ).rejects.toMatchObject({ code: 'INVALID_PACKAGE_ARTIFACT_PATH', path: 'package.artifact' });
  });
});
