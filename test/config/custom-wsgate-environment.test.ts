import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { serviceYaml, writeService } from './write-service.js';

describe('custom.wsgate.environment and custom.wsgate.imports in serverless.yml', () => {
  it('accepts text, numbers, booleans, intrinsics and null', async () => {
    const dir = writeService({
      'serverless.yml': serviceYaml(`custom:
  wsgate:
    environment:
      TABLE: local
      PORT: 8000
      DEBUG: true
      REGION: !Ref AWS::Region
      UNSET: null
    imports:
      shared-SubnetIds: subnet-a
`),
    });
    const { model } = await loadService({ configFile: path.join(dir, 'serverless.yml') });
    expect((model.custom.wsgate as { environment: unknown }).environment).toEqual({
      TABLE: 'local',
      PORT: 8000,
      DEBUG: true,
      REGION: { Ref: 'AWS::Region' },
      UNSET: null,
    });
  });

  it('refuses a variable name that is not one, naming the config path and what is expected', async () => {
    const dir = writeService({ 'serverless.yml': serviceYaml('custom:\n  wsgate:\n    environment:\n      BAD-NAME: x\n') });
    const error = await loadService({ configFile: path.join(dir, 'serverless.yml') }).catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID_NAME',
      path: 'custom.wsgate.environment.BAD-NAME',
      message: expect.stringContaining('an environment variable name'),
    });
  });
});
