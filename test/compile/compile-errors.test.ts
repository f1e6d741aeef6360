import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { compile } from '../../src/compile/index.js';
import { WsgateError } from '../../src/errors.js';
import { servicesDir, FAKE_ARTIFACT } from './fixtures.js';

async function compileError(name: string): Promise<WsgateError> {
  const { model } = await loadService({ serviceDir: join(servicesDir, name), env: {} });
  try {
    compile(model, { artifact: FAKE_ARTIFACT, artifactDirectoryName: 'serverless/x/dev/1-2' });
  } catch (err) {
    if (err instanceof WsgateError) return err;
    throw err;
  }
  throw new Error('compile did not fail');
}

const summary = (err: WsgateError) => err.issues.map(({ code, path }) => ({ code, path }));

describe('compile rejects what Serverless v3 lets through but AWS would reject, all problems at once', () => {
  it('route keys with an invalid logical id and two keys with one logical id', async () => {
    const err = await compileError('compile-error-ids');
    expect(err.code).toBe('PACKAGE_INVALID_SERVICE');
    expect(err.userError).toBe(true);
    expect(err.location?.file).toBe(join(servicesDir, 'compile-error-ids', 'serverless.yml'));
    expect(summary(err)).toEqual([
      { code: 'WEBSOCKETS_INVALID_ROUTE_KEY', path: 'functions.one.events[0].websocket.route' },
      { code: 'WEBSOCKETS_INVALID_ROUTE_KEY', path: 'functions.one.events[1].websocket.route' },
      { code: 'WEBSOCKETS_ROUTE_KEY_COLLISION', path: 'functions.two.events[0].websocket.route' },
    ]);
    expect(err.issues[0].message).toContain('"hello worldWebsocketsRoute"');
    expect(err.issues[2].message).toContain('functions.one.events[3].websocket');
    expect(err.message).toContain('functions.one.events[1].websocket.route');
  });

  it('a resources: entry that takes a generated logical id with another or no Type, and an unknown extension', async () => {
    const err = await compileError('compile-error-resources');
    expect(summary(err)).toEqual([
      { code: 'PACKAGE_RESOURCE_ID_COLLISION', path: 'resources.Resources.OneLambdaFunction' },
      { code: 'PACKAGE_RESOURCE_ID_COLLISION', path: 'resources.Resources.WebsocketsApi' },
      { code: 'RESOURCE_EXTENSION_NOT_EXISTING', path: 'resources.extensions.NotAResource' },
    ]);
    expect(err.issues[0].message).toContain('AWS::Lambda::Function');
    expect(err.issues[1].hint).toContain('Type: AWS::ApiGatewayV2::Api');
  });

  it('one problem is thrown as itself', async () => {
    const { model } = await loadService({ serviceDir: join(servicesDir, 'compile-basic'), env: {} });
    const broken = {
      ...model,
      resources: { ...model.resources, Resources: { WebsocketsApi: { Type: 'AWS::SNS::Topic' } } },
    };
    expect(() => compile(broken, { artifact: FAKE_ARTIFACT, artifactDirectoryName: 'p' })).toThrow(
      expect.objectContaining({ code: 'PACKAGE_RESOURCE_ID_COLLISION', path: 'resources.Resources.WebsocketsApi' }),
    );
  });
});
