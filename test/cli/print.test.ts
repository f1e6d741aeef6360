import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Runs the built CLI (`npm run build` first) as a real child process.
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'bin', 'wsgate.js');
const fixtures = path.join(root, 'test', 'fixtures', 'services');
const chatDir = path.join(root, 'examples', 'chat');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lineOf(file: string, marker: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
}

describe('wsgate print', () => {
  it('prints the chat example with its variables resolved', async () => {
    const { code, stdout, stderr } = await runCli(['print'], chatDir, { CHAT_TOKEN: '' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const config = parse(stdout);
    expect(config.service).toBe('wsgate-chat');
    expect(config.provider).toMatchObject({
      stage: 'dev',
      region: 'us-east-1',
      websocketsApiName: 'wsgate-chat-dev',
      logs: { websocket: true },
      environment: { CHAT_TOKEN: 'let-me-in', CONNECTIONS_DIR: '.wsgate/chat-connections-dev' },
    });
    expect(config.functions.ping.events[0].websocket).toEqual({ route: 'ping', routeResponseSelectionExpression: '$default' });
  });

  it('takes --stage/--region, the environment and --format json', async () => {
    const { code, stdout } = await runCli(
      ['print', '--config', 'examples/chat/serverless.yml', '--stage', 'prod', '-r', 'eu-west-1', '--format', 'json'],
      root,
      { CHAT_TOKEN: 's3cret' },
    );
    expect(code).toBe(0);
    const config = JSON.parse(stdout);
    expect(config.provider).toMatchObject({
      stage: 'prod',
      region: 'eu-west-1',
      websocketsApiName: 'wsgate-chat-prod',
      environment: { CHAT_TOKEN: 's3cret', CONNECTIONS_DIR: '.wsgate/chat-connections-prod' },
    });
  });

  it('prints the seed example service as written (it has no variables)', async () => {
    const dir = path.join(fixtures, 'config-seed');
    const { code, stdout } = await runCli(['print'], dir);
    expect(code).toBe(0);
    expect(parse(stdout)).toEqual(parse(readFileSync(path.join(dir, 'serverless.yml'), 'utf8')));
  });

  it('passes free --options to ${opt:…}, and --param to ${param:…}', async () => {
    const dir = path.join(fixtures, 'config-cli-options');
    const { code, stdout } = await runCli(
      ['print', '--free-option', 'given', '--with-equals=x=y', '--flag', '--param', 'color=red', '--stage', 'qa'],
      dir,
      { WSGATE_TEST_VALUE: 'from-env' },
    );
    expect(code).toBe(0);
    expect(parse(stdout).custom).toEqual({
      free: 'given',
      equals: 'x=y',
      flag: true,
      fromEnv: 'from-env',
      shared: 'hello from qa',
      param: 'red',
    });
  });

  it('prints one value with --path', async () => {
    const { code, stdout } = await runCli(['print', '--path', 'provider.websocketsApiName', '--stage', 'x'], chatDir);
    expect(code).toBe(0);
    expect(stdout).toBe('wsgate-chat-x\n');
  });

  it('writes warnings to stderr and keeps stdout clean', async () => {
    const dir = path.join(fixtures, 'config-cli-options');
    const { code, stdout, stderr } = await runCli(['print', '--format', 'json'], dir);
    expect(code).toBe(0);
    expect(() => JSON.parse(stdout)).not.toThrow();
    const line = lineOf(path.join(dir, 'serverless.yml'), 'http: GET');
    expect(stderr).toContain(`Warning [CONFIG_UNSUPPORTED_EVENT] serverless.yml:${line}:`);
  });

  it('reports every configuration error with file, line, path and hint, no stack, exit code 1', async () => {
    const dir = path.join(fixtures, 'config-invalid');
    const file = path.join(dir, 'serverless.yml');
    const { code, stdout, stderr } = await runCli(['print'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('2 errors:');
    expect(stderr).toContain(
      `Error [FUNCTION_MISSING_IN_SERVICE] serverless.yml:${lineOf(file, 'authorizer: auth')}:11 at functions.connect.events[0].websocket.authorizer: Function "auth" doesn't exist in this Service`,
    );
    expect(stderr).toContain(
      `Error [CONFIG_AUTHORIZER_NOT_ON_CONNECT] serverless.yml:${lineOf(file, 'authorizer: arn:')}:11 at functions.send.events[0].websocket.authorizer`,
    );
    expect(stderr).toContain('Hint: ');
    expect(stderr).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
  });

  it('reports a missing configuration file and a bad --format', async () => {
    const missing = await runCli(['print'], fixtures);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error [CONFIG_FILE_NOT_FOUND]');
    const badFormat = await runCli(['print', '--format', 'xml'], chatDir);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toContain('Error [CLI_INVALID_OPTION]');
  });
});

describe('wsgate --help and --version', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const { code, stdout } = await runCli(['--version'], root);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('--help lists the commands; print --help its options', async () => {
    const help = await runCli(['--help'], root);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/print/);
    expect(help.stdout).toMatch(/dev/);
    expect(help.stdout).toMatch(/package/);
    const printHelp = await runCli(['print', '--help'], root);
    expect(printHelp.code).toBe(0);
    for (const option of ['--config', '--stage', '--region', '--format', '--path']) expect(printHelp.stdout).toContain(option);
  });
});
