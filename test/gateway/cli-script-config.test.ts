import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';

const TS_FIXTURE = path.join(repoRoot, 'test/fixtures/services/config-typescript');
// The account id wsgate uses locally in ARNs (the gateway's and `${aws:accountId}`).
const LOCAL_ACCOUNT_ID = '123456789012';

let cli: CliProcess | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await killIfRunning(cli);
  cli = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A service folder in the temp dir; handlers resolve the AWS SDK from the project's dependencies. */
async function serviceFolder(files: Record<string, string>, fixture?: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-script-config-'));
  dirs.push(dir);
  if (fixture) await cp(fixture, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `wsgate dev --port 0` in the service folder, as a user runs it there: its port once it listens. */
async function startDev(dir: string): Promise<number> {
  cli = runCli(['dev', '--port', '0'], { cwd: dir });
  const line = await Promise.race([cli.waitForLine(/WebSocket:/), cli.exited.then((code) => `exited ${code}: ${cli!.stderr.join('\n')}`)]);
  const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)?.[1]);
  expect(port, line).toBeGreaterThan(0);
  await cli.waitForLine(/Press Ctrl-C/);
  return port;
}

describe('wsgate dev with a serverless.ts (aws-nodejs-typescript template layout)', () => {
  it('runs unchanged: tsconfig path aliases, and the handler posts back through @connections to ${cf:<own stack>.ServiceEndpointWebsocket}', async () => {
    const dir = await serviceFolder({}, TS_FIXTURE);
    const port = await startDev(dir);
    expect(cli!.stdout.join('\n')).toContain('$default → chat');

    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    client.ws.send('hello from ts');
    // The SDK v3 client posted to https://127.0.0.1:<port>/dev, the URL the variable resolved to.
    expect(JSON.parse(await client.nextMessage())).toEqual({
      endpoint: `wss://127.0.0.1:${port}/dev`,
      account: LOCAL_ACCOUNT_ID,
      got: 'hello from ts',
    });
    await client.close();
    cli!.child.kill('SIGINT');
    expect(await cli!.exited).toBe(0);
  });

  it('restarts when serverless.ts or a file it imports changes', async () => {
    const dir = await serviceFolder({}, TS_FIXTURE);
    const port = await startDev(dir);
    const index = path.join(dir, 'src/functions/chat/index.ts');
    await writeFile(index, (await readFile(index, 'utf8')).replace("{ websocket: { route: '$default' } },", "{ websocket: { route: '$default' } },\n    { websocket: { route: 'ping' } },"));
    expect(await cli!.waitForLine(/changed: restarting the gateway/)).toMatch(/^src\/functions\/chat\/index\.ts changed: /);
    expect(await cli!.waitForLine(/Routes:/, 2)).toMatch(/ping → chat/);

    const configFile = path.join(dir, 'serverless.ts');
    await writeFile(configFile, (await readFile(configFile, 'utf8')).replace("service: 'config-typescript',", "service: 'config-typescript-renamed',").replace('${cf:config-typescript-', '${cf:config-typescript-renamed-'));
    expect(await cli!.waitForLine(/changed: restarting the gateway/, 2)).toMatch(/^serverless\.ts changed: /);
    expect(await cli!.waitForLine(/^wsgate dev: config-typescript-renamed /)).toBeTruthy();
    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    client.ws.send('after');
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ endpoint: `wss://127.0.0.1:${port}/dev`, got: 'after' });
    await client.close();
  });
});

const echoHandler = `exports.echo = async (event) => ({ statusCode: 200, body: 'echo ' + process.env.FORMAT + ': ' + event.body });\n`;
const configObject = (format: string) =>
  `{ service: 'script-${format}', provider: { name: 'aws', runtime: 'nodejs22.x', environment: { FORMAT: '${format}' } }, ` +
  `functions: { echo: { handler: 'handler.echo', events: [{ websocket: { route: '$default', routeResponseSelectionExpression: '$default' } }] } } }`;

describe.each([
  ['serverless.js', `module.exports = ${configObject('js')};`, 'js'],
  ['serverless.cjs', `module.exports = Promise.resolve(${configObject('cjs')});`, 'cjs'],
  ['serverless.mjs', `export default ${configObject('mjs')};`, 'mjs'],
])('wsgate dev with a %s', (name, code, format) => {
  it('serves its routes', async () => {
    const dir = await serviceFolder({ [name]: code, 'handler.js': echoHandler, 'package.json': '{ "type": "commonjs" }' });
    const port = await startDev(dir);
    const client = await openClient(`ws://127.0.0.1:${port}/dev`);
    client.ws.send('hi');
    expect(await client.nextMessage()).toBe(`echo ${format}: hi`);
    await client.close();
  });
});

describe('wsgate package with a serverless.ts', () => {
  it('writes the own-stack endpoint and the account id as CloudFormation computes them, never contacting AWS', async () => {
    const dir = await serviceFolder({}, TS_FIXTURE);
    cli = runCli(['package'], { cwd: dir });
    expect(await cli.exited, cli.stderr.join('\n')).toBe(0);
    const template = JSON.parse(await readFile(path.join(dir, '.serverless/cloudformation-template-update-stack.json'), 'utf8'));
    expect(template.Resources.ChatLambdaFunction.Properties.Environment.Variables).toMatchObject({
      WEBSOCKET_ENDPOINT: { 'Fn::Join': ['', ['wss://', { Ref: 'WebsocketsApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/dev']] },
      ACCOUNT_ID: { Ref: 'AWS::AccountId' },
    });
    // The same value as the stack's own output.
    expect(template.Outputs.ServiceEndpointWebsocket.Value).toEqual(template.Resources.ChatLambdaFunction.Properties.Environment.Variables.WEBSOCKET_ENDPOINT);
  });
});
