import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateTemplate } from '../compile/validate-template.js';
import { readZipListing } from '../package/read-zip.js';
import { copyServiceFixture } from '../package/service-tree.js';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';

let cli: CliProcess | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await killIfRunning(cli);
  cli = undefined;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

function copy(name: string): string {
  const { dir, cleanup } = copyServiceFixture(name);
  cleanups.push(cleanup);
  return dir;
}

async function startDev(dir: string, extra: string[] = []): Promise<string> {
  cli = runCli(['dev', '--port', '0', ...extra], { cwd: dir });
  const line = await cli.waitForLine(/WebSocket:/);
  return `${/(ws:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]}/dev`;
}

function packageService(dir: string, args: string[] = []): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [runCliBin(), 'package', ...args], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, output };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, output: `${e.stdout}${e.stderr}` };
  }
}
const runCliBin = () => join(new URL('../../', import.meta.url).pathname, 'bin/wsgate.js');

/** The files of a zip, extracted into a temp folder with the system's unzip. */
function unzip(zip: string): string {
  const out = mkdtempSync(join(tmpdir(), 'wsgate-unzip-'));
  cleanups.push(() => rmSync(out, { recursive: true, force: true }));
  execFileSync('unzip', ['-q', zip, '-d', out]);
  return out;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('a serverless-esbuild service (TypeScript, tsconfig paths, extensionless imports, JSON)', () => {
  it('runs under wsgate dev with the bundle, shows the .ts lines of a failure and rebuilds on save', async () => {
    const dir = copy('esbuild-aliases');
    const url = await startDev(dir);
    expect(cli!.stderr.join('\n')).not.toMatch(/serverless-esbuild/);
    const client = await openClient(url);
    client.ws.send('hi');
    expect(await client.nextMessage()).toBe('bundled: hi');

    client.ws.send('fail');
    await client.nextMessage();
    // The stack points at the TypeScript sources (source maps), not at the bundle.
    expect(await cli!.waitForLine(/at failLoudly .*src\/lib\/fail\.ts:2:\d+/)).toBeTruthy();
    expect(await cli!.waitForLine(/at echo .*src\/handlers\/chat\.ts:8:\d+/)).toBeTruthy();

    writeFileSync(join(dir, 'src/lib/settings.json'), '{ "prefix": "rebuilt: " }');
    await cli!.waitForLine(/settings\.json changed: handlers reload/);
    client.ws.send('again');
    expect(await client.nextMessage()).toBe('rebuilt: again');
    client.ws.close();
  });

  it('packages the bundle at the handler path, no raw .ts, a Handler that loads it, a valid template', () => {
    const dir = copy('esbuild-aliases');
    const result = packageService(dir);
    expect(result.code, result.output).toBe(0);
    const zip = join(dir, '.serverless', 'esbuild-aliases.zip');
    const names = readZipListing(readFileSync(zip)).map((entry) => entry.name).sort();
    expect(names).toEqual(['src/handlers/chat.js', 'src/handlers/chat.js.map']);

    const template = readJson(join(dir, '.serverless', 'cloudformation-template-update-stack.json'));
    expect(template.Resources.EchoLambdaFunction.Properties.Handler).toBe('src/handlers/chat.echo');
    expect(validateTemplate(template)).toEqual([]);

    // What Lambda does with the Handler: load <path>.js from the extracted zip and call the export.
    const root = unzip(zip);
    const body = execFileSync(
      process.execPath,
      ['-e', "require(process.argv[1]).echo({ body: 'x' }).then((r) => process.stdout.write(r.body))", join(root, 'src/handlers/chat.js')],
      { cwd: root, encoding: 'utf8' },
    );
    expect(body).toBe('bundled: x');
  });
});

describe('a service with a local layer', () => {
  it("gives a function the layer's nodejs/node_modules under wsgate dev", async () => {
    const dir = copy('layer-local');
    const client = await openClient(await startDev(dir));
    client.ws.send('hello');
    expect(await client.nextMessage()).toBe('from the layer: hello (layer dirs set)');
    client.ws.close();
  });

  it('packages the layer as v3 does: LayerVersion SharedLambdaLayer, shared.zip, the Layers of the function', () => {
    const dir = copy('layer-local');
    const result = packageService(dir);
    expect(result.code, result.output).toBe(0);
    const template = readJson(join(dir, '.serverless', 'cloudformation-template-update-stack.json'));
    const layer = template.Resources.SharedLambdaLayer;
    expect(layer.Type).toBe('AWS::Lambda::LayerVersion');
    expect(layer.Properties).toMatchObject({
      Content: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: expect.stringMatching(/^serverless\/layer-local\/dev\/\d+-[^/]+\/shared\.zip$/) },
      LayerName: 'shared',
      Description: 'Greeting helpers shared by the functions',
      CompatibleRuntimes: ['nodejs22.x'],
    });
    expect(template.Resources.EchoLambdaFunction.Properties.Layers).toEqual([{ Ref: 'SharedLambdaLayer' }]);
    expect(template.Resources.ConnectLambdaFunction.Properties.Layers).toBeUndefined();
    expect(template.Outputs.SharedLambdaLayerQualifiedArn.Value).toEqual({ Ref: 'SharedLambdaLayer' });
    expect(validateTemplate(template)).toEqual([]);

    const layerFiles = readZipListing(readFileSync(join(dir, '.serverless', 'shared.zip'))).map((entry) => entry.name);
    expect(layerFiles).toContain('nodejs/node_modules/shared-greeting/index.js');
    const serviceFiles = readZipListing(readFileSync(join(dir, '.serverless', 'layer-local.zip'))).map((entry) => entry.name);
    expect(serviceFiles.filter((name) => name.startsWith('layers/'))).toEqual([]);
    expect(serviceFiles).toContain('src/handler.js');
  });
});

describe('a function with layers published outside the service (ARNs)', () => {
  const mapped = 'arn:aws:lambda:eu-west-1:123456789012:layer:vendor-tools:7';
  const unmapped = 'arn:aws:lambda:eu-west-1:123456789012:layer:monitoring-extension:12';
  const warningsOf = (output: string[]) => output.filter((line) => line.startsWith('Warning [RUNTIME_LAYER_NOT_LOCAL]'));

  it('runs the handler with the modules of the folder custom.wsgate.layers maps an ARN to, and names the unmapped ARN at start-up', async () => {
    const dir = copy('layer-external');
    const client = await openClient(await startDev(dir));
    client.ws.send('hello');
    // vendor-format exists only in the mapped folder's nodejs/node_modules, as in /opt/nodejs/node_modules on Lambda.
    expect(await client.nextMessage()).toBe('HELLO! (vendor-format 2.1.0)');
    client.ws.close();

    const output = [...cli!.stdout, ...cli!.stderr];
    const warnings = warningsOf(output);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`serverless.yml:20:9 at functions.echo.layers[1]: layer ${unmapped} of function 'echo' has no local folder`);
    const hint = output[output.indexOf(warnings[0]!) + 1];
    expect(hint).toContain(`custom.wsgate.layers: { '${unmapped}': ./layers/local-copy }`);
  });

  it('without the mapping, names both ARNs, and the handler cannot find the layer module, as on Lambda without the layer', async () => {
    const dir = copy('layer-external');
    const file = join(dir, 'serverless.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^custom:\n(  .*\n)+/m, ''));
    const client = await openClient(await startDev(dir));
    client.ws.send('hello');
    expect(JSON.parse(await client.nextMessage()).message).toBe('Internal server error');
    await cli!.waitForLine(/Cannot find module 'vendor-format'/);
    client.ws.close();

    const warnings = warningsOf([...cli!.stdout, ...cli!.stderr]);
    expect(warnings.map((line) => /at (functions\.echo\.layers\[\d\]): layer (\S+) /.exec(line)?.slice(1))).toEqual([
      ['functions.echo.layers[0]', mapped],
      ['functions.echo.layers[1]', unmapped],
    ]);
  });
});

// What Serverless v3's compile/layers.js writes for them (checked against its source).
describe('layer options allowedAccounts and retain in wsgate package', () => {
  it('writes a LayerVersionPermission per account, and for retain: DeletionPolicy Retain and the layer hash in the ids', () => {
    const dir = copy('layer-options');
    const result = packageService(dir);
    expect(result.code, result.output).toBe(0);
    const template = readJson(join(dir, '.serverless', 'cloudformation-template-update-stack.json'));
    const layerIds = Object.keys(template.Resources).filter((id) => /Layer/.test(id));

    // allowedAccounts: lambda:GetLayerVersion for each account, `*` spelled Wild in the id.
    expect(template.Resources.Shared111122223333LambdaLayerPermission).toEqual({
      Type: 'AWS::Lambda::LayerVersionPermission',
      Properties: { Action: 'lambda:GetLayerVersion', LayerVersionArn: { Ref: 'SharedLambdaLayer' }, Principal: '111122223333' },
    });
    expect(template.Resources.SharedWildLambdaLayerPermission.Properties).toMatchObject({ LayerVersionArn: { Ref: 'SharedLambdaLayer' }, Principal: '*' });
    expect(template.Resources.SharedLambdaLayer.DeletionPolicy).toBeUndefined();

    // retain: the ids end with the layer hash, SHA-1 of the LayerVersion without its S3 key, then of the zip.
    const hash = template.Outputs.ArchiveLambdaLayerHash.Value;
    const archiveZip = readFileSync(join(dir, '.serverless', 'archive.zip'));
    const { DeletionPolicy, ...withoutPolicy } = template.Resources[`ArchiveLambdaLayer${hash}`];
    expect(DeletionPolicy).toBe('Retain');
    const withoutKey = structuredClone(withoutPolicy);
    delete withoutKey.Properties.Content.S3Key;
    expect(hash).toBe(createHash('sha1').update(JSON.stringify(withoutKey)).update(archiveZip).digest('hex'));
    expect(template.Resources[`Archive444455556666LambdaLayerPermission${hash}`]).toEqual({
      Type: 'AWS::Lambda::LayerVersionPermission',
      Properties: { Action: 'lambda:GetLayerVersion', LayerVersionArn: { Ref: `ArchiveLambdaLayer${hash}` }, Principal: '444455556666' },
      DeletionPolicy: 'Retain',
    });
    expect(template.Outputs.ArchiveLambdaLayerQualifiedArn.Value).toEqual({ Ref: `ArchiveLambdaLayer${hash}` });
    expect(layerIds.sort()).toEqual(
      ['SharedLambdaLayer', 'Shared111122223333LambdaLayerPermission', 'SharedWildLambdaLayerPermission', `ArchiveLambdaLayer${hash}`, `Archive444455556666LambdaLayerPermission${hash}`].sort(),
    );
    expect(validateTemplate(template)).toEqual([]);
  });

  it('changes the retained ids when the layer content changes, so the old version stays', () => {
    const dir = copy('layer-options');
    const idOf = () => {
      expect(packageService(dir).code).toBe(0);
      const template = readJson(join(dir, '.serverless', 'cloudformation-template-update-stack.json'));
      return Object.keys(template.Resources).find((id) => id.startsWith('ArchiveLambdaLayer'));
    };
    const before = idOf();
    writeFileSync(join(dir, 'layers/archive/nodejs/node_modules/archive-data/index.js'), 'exports.rows = [1, 2, 3, 4];\n');
    const after = idOf();
    expect(after).toMatch(/^ArchiveLambdaLayer[0-9a-f]{40}$/);
    expect(after).not.toBe(before);
  });

  it('refuses a Ref to a retained layer (its id carries the hash) and an account written as a number', () => {
    const dir = copy('layer-options');
    const file = join(dir, 'serverless.yml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('Ref: SharedLambdaLayer', 'Ref: ArchiveLambdaLayer'));
    const dangling = packageService(dir);
    expect(dangling.code).not.toBe(0);
    expect(dangling.output).toContain('PACKAGE_DANGLING_REFERENCE');
    expect(dangling.output).toContain('Layer "archive" has retain: true');

    writeFileSync(file, original.replace("- '444455556666'", '- 444455556666'));
    const unquoted = packageService(dir);
    expect(unquoted.code).not.toBe(0);
    expect(unquoted.output).toMatch(/serverless\.yml:18:\d+.*layers\.archive\.allowedAccounts\[0\]/);
    expect(unquoted.output).toContain("a 12-digit account id in quotes ('123456789012')");
  });
});
