import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { WsgateError } from '../../src/errors.js';
import { startGateway } from '../support/start-gateway.js';
import { openClient } from '../support/ws-client.js';
import { writeService } from './write-service.js';

/** A service whose provider.environment reads GREETING and API_URL through ${env:…}. */
function dotenvService(files: Record<string, string>, top = 'useDotenv: true\n', provider = '') {
  return writeService({
    'serverless.yml': `service: svc
${top}provider:
  name: aws
${provider}  environment:
    GREETING: \${env:GREETING, 'unset'}
    API_URL: \${env:API_URL, 'unset'}
functions:
  hello:
    handler: handler.hello
    events:
      - websocket:
          route: $default
          routeResponseSelectionExpression: $default
`,
    'handler.js': 'module.exports.hello = async () => ({ statusCode: 200, body: process.env.GREETING });\n',
    ...files,
  });
}

async function environmentOf(serviceDir: string, options: Parameters<typeof loadService>[0] = {}) {
  const { model } = await loadService({ env: {}, ...options, serviceDir });
  return model.provider.environment;
}

describe('useDotenv: true (Serverless v3 lib/cli/load-dotenv.js)', () => {
  it('reads .env.{stage} and then not .env at all', async () => {
    const dir = dotenvService({ '.env.dev': 'GREETING=from dev file\n', '.env': 'GREETING=from .env\nAPI_URL=from .env\n' });
    expect(await environmentOf(dir)).toEqual({ GREETING: 'from dev file', API_URL: 'unset' });
  });

  it('reads .env when the stage has no file of its own', async () => {
    const dir = dotenvService({ '.env.dev': 'GREETING=from dev file\n', '.env': 'GREETING=from .env\n' });
    expect(await environmentOf(dir, { stage: 'prod' })).toEqual({ GREETING: 'from .env', API_URL: 'unset' });
  });

  it('picks the file of --stage, else of provider.stage', async () => {
    const files = { '.env.prod': 'GREETING=prod\n', '.env.qa': 'GREETING=qa\n' };
    expect(await environmentOf(dotenvService(files), { stage: 'qa' })).toMatchObject({ GREETING: 'qa' });
    expect(await environmentOf(dotenvService(files, 'useDotenv: true\n', '  stage: prod\n'))).toMatchObject({ GREETING: 'prod' });
  });

  it('keeps variables already set in the environment, even empty ones', async () => {
    const dir = dotenvService({ '.env': 'GREETING=from file\nAPI_URL=from file\n' });
    // An empty variable counts as unset for ${env:…}, so the fallback applies, as in Serverless v3.
    expect(await environmentOf(dir, { env: { GREETING: 'from shell', API_URL: '' } })).toEqual({
      GREETING: 'from shell',
      API_URL: 'unset',
    });
  });

  it('expands $VAR, ${VAR} and ${VAR:-default} from the file and the environment (dotenv-expand)', async () => {
    const dir = dotenvService({
      '.env': [
        'HOST=api.example.com',
        'API_URL=https://${HOST}:${PORT:-443}/$VERSION',
        'GREETING="hello ${USER_NAME}"',
        'VERSION=v2',
      ].join('\n'),
    });
    expect(await environmentOf(dir, { env: { USER_NAME: 'ann' } })).toEqual({
      GREETING: 'hello ann',
      API_URL: 'https://api.example.com:443/v2',
    });
  });

  it('does not touch process.env, so a second load reads the file again', async () => {
    const dir = dotenvService({ '.env': 'GREETING=first\n' });
    expect((await loadService({ serviceDir: dir })).model.provider.environment.GREETING).toBe('first');
    expect(process.env.GREETING).toBeUndefined();
    writeFileSync(path.join(dir, '.env'), 'GREETING=second\n');
    expect((await loadService({ serviceDir: dir })).model.provider.environment.GREETING).toBe('second');
  });

  it('resolves useDotenv itself from a variable before reading the file', async () => {
    const dir = dotenvService({ '.env': 'GREETING=from file\n' }, 'useDotenv: ${strToBool(true)}\n');
    expect(await environmentOf(dir)).toMatchObject({ GREETING: 'from file' });
  });

  it('reads no file without useDotenv (Serverless v3 needs the flag)', async () => {
    const dir = dotenvService({ '.env': 'GREETING=from file\n', '.env.dev': 'GREETING=from dev file\n' }, '');
    expect(await environmentOf(dir)).toEqual({ GREETING: 'unset', API_URL: 'unset' });
  });

  it('DOTENV_LOAD_ERROR: a .env.{stage} that cannot be read, at the useDotenv line', async () => {
    const dir = dotenvService({});
    mkdirSync(path.join(dir, '.env.dev'));
    const err = (await loadService({ serviceDir: dir, env: {} }).catch((e: unknown) => e)) as WsgateError;
    expect(err).toBeInstanceOf(WsgateError);
    expect(err).toMatchObject({ code: 'DOTENV_LOAD_ERROR', path: 'useDotenv' });
    expect(err.message).toBe(`Failed to load environment variables from "${path.join(dir, '.env.dev')}": EISDIR`);
    expect(err.location).toMatchObject({ file: path.join(dir, 'serverless.yml'), line: 2 });
    expect(err.hint).toContain('.env.dev');
  });

  it('DOTENV_ENV_VAR_RESOLUTION_CONFLICT: the file defines a variable the stage was looked up from', async () => {
    const dir = dotenvService({ '.env.dev': 'STAGE=prod\n' }, 'useDotenv: true\n', "  stage: ${env:STAGE, 'dev'}\n");
    const err = (await loadService({ serviceDir: dir, env: {} }).catch((e: unknown) => e)) as WsgateError;
    expect(err).toMatchObject({ code: 'DOTENV_ENV_VAR_RESOLUTION_CONFLICT', path: 'provider.stage' });
    expect(err.message).toContain('"STAGE"');
    expect(err.location?.line).toBe(5);
    // Set in the shell, the same variable is fine: the stage and the file agree.
    expect((await loadService({ serviceDir: dir, env: { STAGE: 'dev' } })).model.stage).toBe('dev');
  });

  it('reaches the handlers of wsgate dev through provider.environment, like a deployed Lambda', async () => {
    const dir = dotenvService({ '.env': 'GREETING=hello from .env\n' });
    const { model } = await loadService({ serviceDir: dir, env: {} });
    const gateway = await startGateway(model);
    try {
      const client = await openClient(gateway.address.stageUrl);
      client.ws.send('hi');
      expect(await client.nextMessage()).toBe('hello from .env');
      await client.close();
    } finally {
      await gateway.close();
    }
  });
});
