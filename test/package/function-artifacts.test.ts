import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import type { WsgateError } from '../../src/errors.js';
import { packageService } from '../../src/package/package-service.js';
import { readReference } from '../compile/fixtures.js';
import { writeService } from '../config/write-service.js';
import { readZipListing } from './read-zip.js';
import { copyServiceFixture, readV3ZipListings } from './service-tree.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

async function packageFixture(name: string) {
  const service = copyServiceFixture(name);
  cleanups.push(service.cleanup);
  const { model, warnings } = await loadService({ serviceDir: service.dir, env: {} });
  const packaged = await packageService(model);
  const zips = readdirSync(packaged.packageDir).filter((file) => file.endsWith('.zip')).sort();
  const entriesOf = (zip: string) => readZipListing(readFileSync(join(packaged.packageDir, zip))).map((entry) => entry.name);
  return { dir: service.dir, packaged, warnings, zips, entriesOf };
}

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

/** The file name each function's Code.S3Key ends with, by function logical id. */
function codeFileNames(template: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((template as Template).Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id, resource]) => [id, String(resource.Properties.Code.S3Key).split('/').pop()!]),
  );
}

function codeSha256(template: unknown, functionId: string): string {
  const version = Object.values((template as Template).Resources).find(
    (resource) => resource.Type === 'AWS::Lambda::Version' && resource.Properties.FunctionName.Ref === functionId,
  );
  return version!.Properties.CodeSha256;
}

describe('package.individually with per-function patterns', () => {
  it('writes one zip per function holding what Serverless v3 put in it: the service patterns, then its own', async () => {
    const { zips, entriesOf } = await packageFixture('compile-individually-patterns');
    const v3 = readV3ZipListings('compile-individually-patterns');
    // The prebuilt artifact is copied next to the zips wsgate builds (v3 uploads it from where it is).
    expect(zips).toEqual([...Object.keys(v3), 'legacy.zip'].sort());
    for (const [zip, entries] of Object.entries(v3)) expect(entriesOf(zip)).toEqual(entries);
    expect(entriesOf('defaultHandler.zip')).not.toContain('src/lib/shared.test.js');
    expect(entriesOf('connectHandler.zip')).not.toContain('src/default.js');
  });

  it('points each function Code.S3Key at its own zip and hashes each zip for its version', async () => {
    const { packaged, dir } = await packageFixture('compile-individually-patterns');
    const reference = readReference('compile-individually-patterns', 'update');
    expect(codeFileNames(packaged.updateTemplate)).toEqual(codeFileNames(reference));
    expect(codeFileNames(packaged.updateTemplate)).toEqual({
      ConnectHandlerLambdaFunction: 'connectHandler.zip',
      DefaultHandlerLambdaFunction: 'defaultHandler.zip',
      LegacyHandlerLambdaFunction: 'legacy.zip',
    });
    const connect = codeSha256(packaged.updateTemplate, 'ConnectHandlerLambdaFunction');
    expect(codeSha256(packaged.updateTemplate, 'DefaultHandlerLambdaFunction')).not.toBe(connect);
    // The prebuilt zip, unchanged: sha256 computed with `openssl dgst -sha256 -binary | base64`, and v3's too.
    const legacy = codeSha256(packaged.updateTemplate, 'LegacyHandlerLambdaFunction');
    expect(legacy).toBe('Voyc+O/EANNacyJ/Qu9DejUJw8jmCkD9qe4J1IQl9b0=');
    expect(legacy).toBe(codeSha256(reference, 'LegacyHandlerLambdaFunction'));
    expect(readFileSync(join(packaged.packageDir, 'legacy.zip')).equals(readFileSync(join(dir, 'prebuilt/legacy.zip')))).toBe(true);
    expect(packaged.artifacts.map((artifact) => [artifact.path.split('/').pop(), artifact.functions])).toEqual([
      ['connectHandler.zip', ['connectHandler']],
      ['defaultHandler.zip', ['defaultHandler']],
      ['legacy.zip', ['legacyHandler']],
    ]);
  });
});

describe('useDotenv and function-level package.individually', () => {
  it('leaves the .env files of the service folder out of every zip, as Serverless v3 did', async () => {
    const { zips, entriesOf, packaged } = await packageFixture('compile-dotenv');
    const v3 = readV3ZipListings('compile-dotenv');
    expect(zips).toEqual(Object.keys(v3).sort());
    for (const [zip, entries] of Object.entries(v3)) expect(entriesOf(zip)).toEqual(entries);
    // `.env*` matches files at the top of the service folder only.
    expect(entriesOf('ws-dotenv.zip')).toEqual(['config/.env', 'config/settings.json', 'handler.js']);
    expect(codeFileNames(packaged.updateTemplate)).toEqual(codeFileNames(readReference('compile-dotenv', 'update')));
  });

  it('resolves ${env:…} from .env.dev, expanded, for the templates', async () => {
    const { packaged } = await packageFixture('compile-dotenv');
    const fn = (packaged.updateTemplate as Template).Resources.ConnectionHandlerLambdaFunction;
    expect(fn.Properties.Environment.Variables).toEqual({
      GREETING: 'hello from .env.dev',
      API_URL: 'https://api.example.com/v1',
      FROM_PLAIN_FILE: 'not read',
    });
  });

  it('ignores function patterns without individually, with Serverless v3 warning', async () => {
    const result = await packageFixture('compile-dotenv');
    const { packaged, dir } = result;
    // The fixture keeps nodejs20.x, as in the template Serverless v3 generated for it: its deprecation note aside.
    const warnings = result.warnings.filter((warning) => warning.code !== 'RUNTIME_DEPRECATED');
    expect(warnings.map((warning) => [warning.code, warning.path])).toEqual([
      ['PACKAGE_FUNCTION_PATTERNS_IGNORED', 'functions.fooHandler.package.patterns'],
    ]);
    const lines = readFileSync(join(dir, 'serverless.yml'), 'utf8').split('\n');
    expect(warnings[0].location?.line).toBe(lines.indexOf('      patterns:', lines.indexOf('  fooHandler:')) + 1);
    expect(codeFileNames(packaged.updateTemplate).FooHandlerLambdaFunction).toBe('ws-dotenv.zip');
  });
});

/** A service with the given `functions:` body (YAML, indented two spaces) and files. */
async function packagingError(functions: string, files: Record<string, string> = {}, top = ''): Promise<WsgateError> {
  const dir = writeService({
    'serverless.yml': `service: svc\n${top}provider:\n  name: aws\nfunctions:\n${functions}`,
    'handler.js': 'module.exports.a = async () => ({ statusCode: 200 });\n',
    ...files,
  });
  const { model } = await loadService({ serviceDir: dir, env: {} });
  return packageService(model, { packageDir: join(dir, 'out') }).then(
    () => {
      throw new Error('packaging should have failed');
    },
    (err: WsgateError) => err,
  );
}

describe('mistakes in package settings', () => {
  it('INVALID_PACKAGE_ARTIFACT_PATH: a function artifact that does not exist, with its config path', async () => {
    const err = await packagingError('  a:\n    handler: handler.a\n    package:\n      artifact: build/a.zip\n');
    expect(err).toMatchObject({ code: 'INVALID_PACKAGE_ARTIFACT_PATH', path: 'functions.a.package.artifact' });
    expect(err.message).toMatch(/^Cannot access package artifact at "build\/a\.zip" \(for "a"\): ENOENT/);
    expect(err.location?.file).toMatch(/serverless\.yml$/);
    expect(err.hint).toContain('functions.a.package.artifact');
  });

  it('reports every unreadable artifact at once, a folder included', async () => {
    const err = await packagingError(
      '  a:\n    handler: handler.a\n    package:\n      artifact: build/a.zip\n  b:\n    handler: handler.a\n    package:\n      artifact: missing.zip\n',
      { 'build/a.zip/inside.txt': 'a folder, not a zip' },
    );
    expect(err.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['INVALID_PACKAGE_ARTIFACT_PATH', 'functions.a.package.artifact'],
      ['INVALID_PACKAGE_ARTIFACT_PATH', 'functions.b.package.artifact'],
    ]);
    expect(err.issues[0].message).toContain('EISDIR');
  });

  it('PACKAGE_ARTIFACT_NOT_LOCAL: an S3 URL, which only a v3 deploy downloads', async () => {
    const err = await packagingError('  a:\n    handler: handler.a\n    package:\n      artifact: s3://bucket/a.zip\n');
    expect(err).toMatchObject({ code: 'PACKAGE_ARTIFACT_NOT_LOCAL', path: 'functions.a.package.artifact' });
  });

  it('PACKAGE_ARTIFACT_NAME_COLLISION: two artifacts that would get one S3 key', async () => {
    const zip = 'prebuilt bytes';
    const err = await packagingError(
      '  a:\n    handler: handler.a\n    package:\n      artifact: one/code.zip\n  b:\n    handler: handler.a\n    package:\n      artifact: two/code.zip\n',
      { 'one/code.zip': zip, 'two/code.zip': zip },
    );
    expect(err).toMatchObject({ code: 'PACKAGE_ARTIFACT_NAME_COLLISION', path: 'functions.b.package.artifact' });
    expect(err.message).toContain('"code.zip"');
  });

  it('shares one prebuilt artifact between functions that name the same file', async () => {
    const dir = writeService({
      'serverless.yml':
        'service: svc\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: h.a\n    package:\n      artifact: code.zip\n  b:\n    handler: h.b\n    package:\n      artifact: ./code.zip\n',
      'code.zip': 'prebuilt bytes',
    });
    const { model } = await loadService({ serviceDir: dir, env: {} });
    const packaged = await packageService(model, { packageDir: join(dir, 'out') });
    expect(packaged.artifacts.map((artifact) => artifact.functions)).toEqual([['a', 'b']]);
  });

  it('NO_MATCHED_FILES: a function whose patterns leave its zip empty, at its patterns', async () => {
    const err = await packagingError(
      "  a:\n    handler: handler.a\n    package:\n      individually: true\n      patterns: ['!**']\n",
    );
    expect(err).toMatchObject({ code: 'NO_MATCHED_FILES', path: 'functions.a.package.patterns' });
    expect(err.message).toContain('function "a"');
  });
});

describe('without useDotenv', () => {
  it('packs .env files like any other file, as Serverless v3 does', async () => {
    const dir = writeService({
      'serverless.yml': 'service: svc\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: handler.a\n',
      'handler.js': '',
      '.env': 'A=1\n',
      '.env.dev': 'A=2\n',
    });
    const { model } = await loadService({ serviceDir: dir, env: {} });
    const packaged = await packageService(model, { packageDir: join(dir, 'out') });
    expect(readZipListing(readFileSync(packaged.artifact.path)).map((entry) => entry.name)).toEqual([
      '.env',
      '.env.dev',
      'handler.js',
    ]);
  });
});
