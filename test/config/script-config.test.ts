import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { WsgateError } from '../../src/errors.js';
import { writeService } from './write-service.js';

const plainService = {
  service: 'svc',
  provider: { name: 'aws', runtime: 'nodejs22.x' },
  functions: { hello: { handler: 'handler.hello', events: [{ websocket: '$default' }] } },
};
const json = JSON.stringify(plainService);

async function loadError(files: Record<string, string>) {
  const serviceDir = writeService(files);
  const err = await loadService({ env: {}, serviceDir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsgateError);
  return { err: err as WsgateError, serviceDir };
}

// The aws-nodejs-typescript template: functions defined in src/functions/*/index.ts, imported through tsconfig paths.
const TEMPLATE_FILES = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@functions/*': ['src/functions/*'], '@libs/*': ['src/libs/*'] } } }),
  'src/libs/handler-resolver.ts': "export const handlerPath = (context: string): string => `${context.split(process.cwd())[1].substring(1).replace(/\\\\/g, '/')}`;\n",
  'src/functions/hello/index.ts': `import { handlerPath } from '@libs/handler-resolver';
export default {
  handler: \`\${handlerPath(__dirname)}/handler.main\`,
  events: [{ websocket: { route: '$default' } }],
};
`,
  'src/functions/index.ts': "export { default as hello } from './hello';\n",
  'serverless.ts': `import type { AWS } from '@serverless/typescript';
import { hello } from '@functions/index';

const serverlessConfiguration: AWS = {
  service: 'ts-service',
  frameworkVersion: '3',
  provider: { name: 'aws', runtime: 'nodejs22.x', environment: { CONFIG_DIR: __dirname } },
  functions: { hello },
};

module.exports = serverlessConfiguration;
`,
};

describe('serverless.ts / .js / .cjs / .mjs', () => {
  it('serverless.ts shaped like the aws-nodejs-typescript template: tsconfig paths, type imports, module.exports', async () => {
    const serviceDir = writeService(TEMPLATE_FILES);
    const cwd = process.cwd();
    process.chdir(serviceDir); // the template's handlerPath relies on the service folder being the working directory
    try {
      const { model, configInputs } = await loadService({ env: {} });
      expect(model.configFile).toBe(path.join(serviceDir, 'serverless.ts'));
      expect(model.service).toBe('ts-service');
      expect([...model.functions.values()].map((f) => [f.key, f.handler])).toEqual([['hello', 'src/functions/hello/handler.main']]);
      expect(model.websocket.routes.map((r) => r.routeKey)).toEqual(['$default']);
      expect(configInputs).toEqual(expect.arrayContaining([path.join(serviceDir, 'serverless.ts'), path.join(serviceDir, 'src/functions/hello/index.ts')]));
    } finally {
      process.chdir(cwd);
    }
  });

  it('runs the configuration from its service folder as v3 does, whatever the working directory (--config elsewhere)', async () => {
    const serviceDir = writeService(TEMPLATE_FILES);
    const cwd = process.cwd();
    expect(cwd).not.toBe(serviceDir);
    const { model } = await loadService({ env: {}, serviceDir });
    expect([...model.functions.values()].map((f) => f.handler)).toEqual(['src/functions/hello/handler.main']);
    expect(process.cwd()).toBe(cwd);
  });

  it.each([
    ['serverless.js', `module.exports = ${json};`],
    ['serverless.cjs', `module.exports = Promise.resolve(${json});`],
    ['serverless.mjs', `export default ${json};`],
    ['serverless.mjs', `export default Promise.resolve(${json});`],
    ['serverless.ts', `const config = ${json};\nexport default config;`],
    ['serverless.ts', `const config = ${json};\nexport = config;`],
    ['serverless.ts', `export default (async () => (${json}))();`],
  ])('%s exporting an object or a promise of one: %s', async (name, code) => {
    const serviceDir = writeService({ [name]: code });
    const { model } = await loadService({ env: {}, serviceDir });
    expect(model.service).toBe('svc');
    expect(model.websocket.routes.map((r) => r.functionKey)).toEqual(['hello']);
  });

  it('variables in a script configuration resolve as in YAML', async () => {
    const serviceDir = writeService({ 'serverless.js': `module.exports = { ...${json}, custom: { s: '\${sls:stage}', r: '\${aws:region}' } };` });
    const { config } = await loadService({ env: {}, serviceDir, stage: 'qa' });
    expect(config.custom).toEqual({ s: 'qa', r: 'us-east-1' });
  });

  it("file names are tried in v3's order: yml, yaml, json, js, mjs, cjs, ts", async () => {
    const named = (service: string) => JSON.stringify({ ...plainService, service });
    const cases: Array<[string[], string]> = [
      [['serverless.yml', 'serverless.ts'], 'serverless.yml'],
      [['serverless.json', 'serverless.js'], 'serverless.json'],
      [['serverless.js', 'serverless.ts', 'serverless.mjs'], 'serverless.js'],
      [['serverless.mjs', 'serverless.cjs'], 'serverless.mjs'],
      [['serverless.cjs', 'serverless.ts'], 'serverless.cjs'],
    ];
    for (const [names, expected] of cases) {
      const files = Object.fromEntries(
        names.map((name) => [name, /\.(ya?ml|json)$/.test(name) ? named(name.replace('.', '-')) : `${name.endsWith('.mjs') || name.endsWith('.ts') ? 'export default' : 'module.exports ='} ${named(name.replace('.', '-'))};`]),
      );
      const { model } = await loadService({ env: {}, serviceDir: writeService(files) });
      expect(path.basename(model.configFile)).toBe(expected);
      expect(model.service).toBe(expected.replace('.', '-'));
    }
  });

  it('a validation error names the config file and path (no line: a script has none)', async () => {
    const { err, serviceDir } = await loadError({ 'serverless.ts': `export default { ...${json}, provider: { name: 'aws', memorySize: 'big' } };` });
    expect(err.code).toBe('CONFIG_INVALID_VALUE');
    expect(err.path).toBe('provider.memorySize');
    expect(err.location).toEqual({ file: path.join(serviceDir, 'serverless.ts') });
  });

  it('a variable error names the file and path', async () => {
    const { err, serviceDir } = await loadError({ 'serverless.js': `module.exports = { ...${json}, custom: { key: '\${ssm:/app/key}' } };` });
    expect(err.code).toBe('VARIABLES_LOCAL_VALUE_MISSING');
    expect(err.path).toBe('custom.key');
    expect(err.location?.file).toBe(path.join(serviceDir, 'serverless.js'));
  });

  it('code that throws: the TypeScript file and line of the throw', async () => {
    const { err, serviceDir } = await loadError({
      'serverless.ts': "const port: number = 1;\nfunction fail(): never {\n  throw new Error('no config for you');\n}\nexport default { service: 'x', port, more: fail() };\n",
    });
    expect(err.code).toBe('CONFIGURATION_INITIALIZATION_ERROR');
    expect(err.message).toContain('no config for you');
    expect(err.location).toMatchObject({ file: path.join(serviceDir, 'serverless.ts'), line: 3 });
  });

  it('a syntax error: file and line', async () => {
    const { err, serviceDir } = await loadError({ 'serverless.ts': "const a = {\n  service: 'x',\n  provider: { name: 'aws' \n};\nexport default a;\n" });
    expect(err.code).toBe('CONFIGURATION_BUILD_ERROR');
    expect(err.location).toMatchObject({ file: path.join(serviceDir, 'serverless.ts'), line: 4 });
  });

  it('an export that is not a plain object is refused as v3 refuses it', async () => {
    const { err } = await loadError({ 'serverless.js': 'module.exports = [1, 2];' });
    expect(err.code).toBe('INVALID_CONFIGURATION_EXPORT');
  });
});
