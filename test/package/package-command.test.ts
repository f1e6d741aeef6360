import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTemplate } from '../compile/normalize-template.js';
import { readReference } from '../compile/fixtures.js';
import { validateTemplate } from '../compile/validate-template.js';
import { readZipListing } from './read-zip.js';
import { copyServiceFixture } from './service-tree.js';
import { parseFreeOptions } from '../../src/cli/free-options.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/wsgate.js');

let dirs: string[] = [];
afterEach(() => {
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  dirs = [];
});

function copyFixture(name: string): string {
  const { dir } = copyServiceFixture(name);
  dirs.push(dir);
  return dir;
}

function wsgate(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [bin, ...args], { cwd }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr: withoutRuntimeNote(stderr) });
    });
  });
}

/**
 * The fixtures keep nodejs20.x to match the templates Serverless v3 generated for them; the start-up note on
 * that deprecated runtime (tested in test/config/v3-keys.test.ts) is left out here.
 */
function withoutRuntimeNote(stderr: string): string {
  return stderr.replace(/^Warning \[RUNTIME_DEPRECATED\][^\n]*\n(  Hint:[^\n]*\n)?/m, '');
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('wsgate package', () => {
  it('writes both templates, the artifact and custom-resources.zip into .serverless, equal to Serverless v3', async () => {
    const dir = copyFixture('compile-logs-object');
    const result = await wsgate(dir, ['package']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Packaged ws-logs-object for stage dev (us-east-1)');
    const out = join(dir, '.serverless');
    const update = readJson(join(out, 'cloudformation-template-update-stack.json'));
    const create = readJson(join(out, 'cloudformation-template-create-stack.json'));
    expect(normalizeTemplate(update)).toEqual(normalizeTemplate(readReference('compile-logs-object', 'update')));
    expect(normalizeTemplate(create)).toEqual(normalizeTemplate(readReference('compile-logs-object', 'create')));
    expect(validateTemplate(update)).toEqual([]);
    expect(validateTemplate(create)).toEqual([]);

    const artifact = readZipListing(readFileSync(join(out, 'ws-logs-object.zip'))).map((entry) => entry.name);
    expect(artifact).toEqual(['handler.js']);
    const keys = Object.values(update.Resources as Record<string, any>)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => resource.Properties.Code.S3Key as string);
    expect(keys.filter((key) => key.endsWith('/ws-logs-object.zip'))).toHaveLength(2);
    expect(keys.filter((key) => key.endsWith('/custom-resources.zip'))).toHaveLength(1);
    expect(new Set(keys.map((key) => key.slice(0, key.lastIndexOf('/')))).size).toBe(1);

    const customResources = readFileSync(join(out, 'custom-resources.zip'));
    expect(readZipListing(customResources).map((entry) => entry.name)).toEqual([
      'api-gateway-cloud-watch-role/handler.js',
    ]);
  });

  it('honours --stage, --region and --package, and writes no create template for an existing bucket (like v3)', async () => {
    const dir = copyFixture('compile-full');
    const result = await wsgate(dir, [
      'package',
      '--stage',
      'prod',
      '--region',
      'eu-central-1',
      '--package',
      'dist-cfn',
    ]);
    expect(result.code).toBe(0);
    const out = join(dir, 'dist-cfn');
    expect(existsSync(join(out, 'cloudformation-template-create-stack.json'))).toBe(false);
    expect(existsSync(join(dir, '.serverless'))).toBe(false);
    const update = readJson(join(out, 'cloudformation-template-update-stack.json'));
    expect(update.Resources.WebsocketsDeploymentStage.Properties.StageName).toBe('prod');
    expect(update.Resources.OnDashconnectUnderscorehandlerLambdaFunction.Properties.FunctionName).toBe(
      'ws-full-prod-on-connect_handler',
    );
    expect(update.Resources.OnDashconnectUnderscorehandlerLambdaFunction.Properties.Code.S3Bucket).toBe(
      'my-company-deployments',
    );
    expect(validateTemplate(update)).toEqual([]);
  });

  it('passes free options to ${opt:…}', async () => {
    const dir = copyFixture('compile-cli-options');
    const tagsOf = () =>
      readJson(join(dir, '.serverless/cloudformation-template-update-stack.json')).Resources.ALambdaFunction.Properties
        .Tags;
    expect((await wsgate(dir, ['package', '--team=blue', '--verbose'])).code).toBe(0);
    expect(tagsOf()).toEqual([{ Key: 'team', Value: 'blue' }]);
    expect((await wsgate(dir, ['package', '--team', 'green'])).code).toBe(0);
    expect(tagsOf()).toEqual([{ Key: 'team', Value: 'green' }]);
    expect((await wsgate(dir, ['package'])).code).toBe(0);
    expect(tagsOf()).toEqual([{ Key: 'team', Value: 'none' }]);
  });

  it('reports a user mistake with its code, file and config path, and no stack trace', async () => {
    const dir = copyFixture('compile-error-ids');
    const result = await wsgate(dir, ['package']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[WEBSOCKETS_INVALID_ROUTE_KEY]');
    // The compiler sees only the model; the CLI adds the line of the path (line 9: `- websocket: 'hello world'`).
    expect(result.stderr).toContain('serverless.yml:9:9 at functions.one.events[0].websocket.route');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, '.serverless'))).toBe(false);
  });

  it('names the line, config path and fix of a function artifact that does not exist', async () => {
    const dir = copyFixture('compile-individually-patterns');
    rmSync(join(dir, 'prebuilt'), { recursive: true });
    const result = await wsgate(dir, ['package']);
    expect(result.code).toBe(1);
    const line = readFileSync(join(dir, 'serverless.yml'), 'utf8').split('\n').indexOf('      artifact: prebuilt/legacy.zip') + 1;
    expect(result.stderr).toContain(
      `[INVALID_PACKAGE_ARTIFACT_PATH] serverless.yml:${line}:7 at functions.legacyHandler.package.artifact: ` +
        'Cannot access package artifact at "prebuilt/legacy.zip" (for "legacyHandler"): ENOENT',
    );
    expect(result.stderr).toContain('Build the artifact first');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a --package folder that cannot be written as a user error, without a stack', async () => {
    const dir = copyFixture('compile-basic');
    writeFileSync(join(dir, 'a-file'), '');
    const result = await wsgate(dir, ['package', '--package', 'a-file/out']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error \[PACKAGE_WRITE_FAILED\]: Cannot write the package into \S+a-file\/out: ENOTDIR/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('parseFreeOptions', () => {
  it('reads --name value, --name=value and bare flags, and rejects stray arguments', () => {
    expect(parseFreeOptions(['--a', '1', '--b=x=y', '--c', '--d', 'two'])).toEqual({
      a: '1',
      b: 'x=y',
      c: true,
      d: 'two',
    });
    expect(() => parseFreeOptions(['stray'])).toThrow(expect.objectContaining({ code: 'CLI_UNEXPECTED_ARGUMENT' }));
  });
});

describe('the custom resource handler shipped in custom-resources.zip', () => {
  it('is valid JavaScript that exports a handler', async () => {
    const { CLOUDWATCH_ROLE_HANDLER_SOURCE } = await import('../../src/package/cloudwatch-role-handler-source.js');
    expect(() => new Script(CLOUDWATCH_ROLE_HANDLER_SOURCE, { filename: 'handler.js' })).not.toThrow();
    expect(CLOUDWATCH_ROLE_HANDLER_SOURCE).toContain('exports.handler');
  });
});
