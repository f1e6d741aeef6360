import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readZipListing } from '../package/read-zip.js';
import { runToEnd, writeService } from './service-dir.js';

// serverless-esbuild leaves `custom.esbuild.external` out of the bundle and installs those packages into the
// artifact with npm: each external, its non-optional peer dependencies, and what they depend on in turn.

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

const pkg = (name: string, version: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name, version, main: 'index.js', ...extra });

/** A serverless-esbuild service whose handler needs db-driver at run time, with an installed node_modules tree. */
function service(external = 'db-driver', overrides: Record<string, string> = {}) {
  const written = writeService({
    'serverless.yml': [
      'service: externals',
      "frameworkVersion: '3'",
      'plugins: [serverless-esbuild]',
      'provider:',
      '  name: aws',
      '  runtime: nodejs22.x',
      'custom:',
      '  esbuild:',
      `    external: [${external}]`,
      'functions:',
      '  query:',
      '    handler: src/handler.query',
      '    events:',
      '      - websocket: $default',
      '',
    ].join('\n'),
    'package.json': JSON.stringify({
      name: 'externals',
      private: true,
      dependencies: { 'db-driver': '^3.0.0', 'logger-core': '^1.0.0', 'bytes-util': '^1.0.0', 'unrelated-pkg': '^1.0.0' },
      devDependencies: { 'test-helper': '^1.0.0' },
    }),
    'src/handler.ts': [
      "import { query as runQuery } from 'db-driver';",
      "import { label } from './label';",
      'export const query = async (event: { body: string }) => ({ statusCode: 200, body: `${label}: ${runQuery(event.body)}` });',
      '',
    ].join('\n'),
    'src/label.ts': "export const label = 'bundled';\n",
    // The external, with a dependency, an optional dependency that is not installed, a peer and an optional peer.
    'node_modules/db-driver/package.json': pkg('db-driver', '3.1.0', {
      dependencies: { 'wire-format': '^2.0.0' },
      optionalDependencies: { 'native-accel': '^1.0.0' },
      peerDependencies: { 'logger-core': '^1.0.0', 'metrics-hook': '^1.0.0' },
      peerDependenciesMeta: { 'metrics-hook': { optional: true } },
    }),
    'node_modules/db-driver/index.js': [
      "const { encode } = require('wire-format');",
      "const { log } = require('logger-core');",
      'exports.query = (sql) => log(encode(sql));',
      '',
    ].join('\n'),
    'node_modules/db-driver/lib/pool.js': 'exports.size = 4;\n',
    'node_modules/wire-format/package.json': pkg('wire-format', '2.0.1', { dependencies: { 'bytes-util': '^2.0.0' } }),
    'node_modules/wire-format/index.js': "const { version } = require('bytes-util');\nexports.encode = (text) => `${text} (bytes-util ${version})`;\n",
    // wire-format needs bytes-util 2, nested under it; the service's own bytes-util 1 is not needed by the external.
    'node_modules/wire-format/node_modules/bytes-util/package.json': pkg('bytes-util', '2.4.0'),
    'node_modules/wire-format/node_modules/bytes-util/index.js': "exports.version = '2';\n",
    'node_modules/bytes-util/package.json': pkg('bytes-util', '1.9.0'),
    'node_modules/bytes-util/index.js': "exports.version = '1';\n",
    'node_modules/logger-core/package.json': pkg('logger-core', '1.2.0'),
    'node_modules/logger-core/index.js': 'exports.log = (text) => `logged ${text}`;\n',
    'node_modules/metrics-hook/package.json': pkg('metrics-hook', '1.0.0'),
    'node_modules/metrics-hook/index.js': 'exports.hook = () => {};\n',
    'node_modules/unrelated-pkg/package.json': pkg('unrelated-pkg', '1.0.0'),
    'node_modules/unrelated-pkg/index.js': 'exports.x = 1;\n',
    'node_modules/test-helper/package.json': pkg('test-helper', '1.0.0'),
    'node_modules/test-helper/index.js': 'exports.x = 1;\n',
    ...overrides,
  });
  cleanups.push(written.cleanup);
  return written.dir;
}

function unzip(zip: string): string {
  const out = mkdtempSync(join(tmpdir(), 'wsgate-unzip-'));
  cleanups.push(() => rmSync(out, { recursive: true, force: true }));
  execFileSync('unzip', ['-q', zip, '-d', out]);
  return out;
}

describe('wsgate package with custom.esbuild.external', () => {
  it('zips each external with its dependency closure as npm lays it out, and the handler runs from the zip alone', async () => {
    const dir = service();
    const result = await runToEnd(dir, ['package']);
    expect(result.code, result.stderr).toBe(0);
    const zip = join(dir, '.serverless', 'externals.zip');
    const modules = readZipListing(readFileSync(zip))
      .map((entry) => entry.name)
      .filter((name) => name.startsWith('node_modules/'))
      .sort();
    expect(modules).toEqual([
      'node_modules/db-driver/index.js',
      'node_modules/db-driver/lib/pool.js',
      'node_modules/db-driver/package.json',
      'node_modules/logger-core/index.js',
      'node_modules/logger-core/package.json',
      'node_modules/wire-format/index.js',
      'node_modules/wire-format/node_modules/bytes-util/index.js',
      'node_modules/wire-format/node_modules/bytes-util/package.json',
      'node_modules/wire-format/package.json',
    ]);

    // Outside the service, with nothing but the zip's files: the bundle requires db-driver, which finds its own.
    const out = unzip(zip);
    const bundle = readFileSync(join(out, 'src/handler.js'), 'utf8');
    expect(bundle).toContain('require("db-driver")');
    expect(bundle).not.toContain('wire-format');
    const run = `require(${JSON.stringify(join(out, 'src/handler.js'))}).query({ body: 'SELECT 1' }).then((r) => process.stdout.write(r.body))`;
    expect(execFileSync(process.execPath, ['-e', run], { cwd: out, encoding: 'utf8' })).toBe('bundled: logged SELECT 1 (bytes-util 2)');
  });

  it('refuses an external that is only a devDependency, as serverless-esbuild does, naming the config path', async () => {
    const dir = service('db-driver, test-helper');
    const result = await runToEnd(dir, ['package']);
    expect(result.code).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('PACKAGE_EXTERNAL_DEV_DEPENDENCY');
    expect(output).toContain("custom.esbuild.external[1]: external module 'test-helper' is a devDependency");
    expect(output).toContain("Move 'test-helper' to dependencies in package.json");
  });

  it('refuses an external (or a module it needs) that is not installed, rather than zipping a bundle that cannot load', async () => {
    const dir = service();
    rmSync(join(dir, 'node_modules/logger-core'), { recursive: true });
    rmSync(join(dir, 'node_modules/wire-format/package.json'));
    const result = await runToEnd(dir, ['package']);
    expect(result.code).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('PACKAGE_EXTERNAL_NOT_INSTALLED');
    expect(output).toContain("'wire-format', which an external module needs (from node_modules/db-driver), is not installed in node_modules");
    expect(output).toContain("'logger-core', which an external module needs (from node_modules/db-driver), is not installed in node_modules");
    expect(output).toContain('Run npm install');
  });
});
