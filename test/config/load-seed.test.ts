import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';

const fixtures = fileURLToPath(new URL('../fixtures/services/', import.meta.url));

describe('loadService on the seed example service', () => {
  it('builds the model with Serverless v3 defaults', async () => {
    const serviceDir = path.join(fixtures, 'config-seed');
    const { model, warnings } = await loadService({ serviceDir });
    // The seed declares nodejs12.x, deprecated by AWS on 2023-03-31: the only note.
    expect(warnings.map((w) => [w.code, w.path])).toEqual([['RUNTIME_DEPRECATED', 'provider.runtime']]);
    expect(model.service).toBe('serverless-ws-test');
    expect(model.configFile).toBe(path.join(serviceDir, 'serverless.yml'));
    expect(model.serviceDir).toBe(serviceDir);
    expect(model.stage).toBe('dev');
    expect(model.region).toBe('us-east-1');
    expect([...model.functions.keys()]).toEqual(['connectionHandler', 'defaultHandler', 'customFooHandler']);
    const connection = model.functions.get('connectionHandler')!;
    expect(connection).toMatchObject({
      name: 'serverless-ws-test-dev-connectionHandler',
      handler: 'handler.connectionHandler',
      runtime: 'nodejs12.x',
      memorySize: 1024,
      timeout: 6,
      websocketRouteKeys: ['$connect', '$disconnect'],
      configPath: 'functions.connectionHandler',
    });
    expect(model.websocket.apiName).toBe('custom-websockets-api-name');
    expect(model.websocket.routeSelectionExpression).toBe('$request.body.action');
    expect(model.websocket.description).toBe('Serverless Websockets');
    expect(model.websocket.useProviderTags).toBe(false);
    expect(model.websocket.logs).toBeUndefined();
    expect(model.websocket.authorizers.size).toBe(0);
    expect(model.websocket.routes.map((r) => [r.routeKey, r.functionKey, r.configPath])).toEqual([
      ['$connect', 'connectionHandler', 'functions.connectionHandler.events[0].websocket'],
      ['$disconnect', 'connectionHandler', 'functions.connectionHandler.events[1].websocket'],
      ['$default', 'defaultHandler', 'functions.defaultHandler.events[0].websocket'],
      ['foo', 'customFooHandler', 'functions.customFooHandler.events[0].websocket'],
    ]);
    expect(model.package).toEqual({ patterns: [], exclude: [], individually: false, excludeDevDependencies: true, artifact: undefined });
    expect(model.resources).toEqual({ Resources: {}, Outputs: {}, Conditions: {}, extra: {} });
    expect(Object.isFrozen(model)).toBe(true);
  });

  it('takes stage and region from the options', async () => {
    const { model } = await loadService({ serviceDir: path.join(fixtures, 'config-seed'), stage: 'prod', region: 'eu-west-1' });
    expect(model.stage).toBe('prod');
    expect(model.region).toBe('eu-west-1');
    expect(model.functions.get('defaultHandler')!.name).toBe('serverless-ws-test-prod-defaultHandler');
  });
});
