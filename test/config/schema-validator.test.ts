import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { compileConfigSchema } from '../../src/config/compile-config-schema.js';
import { repoRoot } from '../support/child-cli.js';

// The build compiles the schema ahead of time (scripts/build-schema-validator.mjs) and the CLI uses that code;
// it must find exactly what the schema compiled at run time finds, error for error.
const precompiledFile = path.join(repoRoot, 'dist/config/schema-validator.cjs');

const documents: Record<string, unknown> = {
  'a valid service': {
    service: 'chat',
    provider: { name: 'aws', runtime: 'nodejs20.x', stage: 'dev', logs: { websocket: { level: 'INFO' } } },
    functions: {
      connect: { handler: 'handler.connect', events: [{ websocket: { route: '$connect', authorizer: { name: 'auth', identitySource: ['route.request.querystring.token'] } } }] },
      auth: { handler: 'handler.auth' },
    },
    package: { patterns: ['!tests/**'], individually: true },
  },
  'wrong types everywhere': {
    service: '1bad name',
    provider: { name: 'gcp', memorySize: 64, timeout: 'soon', environment: { 'BAD-NAME': 1, OK: [1] } },
    functions: { 'bad key!': { handler: 'nodot' }, f: { events: [{ websocket: { route: '', routeResponseSelectionExpression: '$other' } }] } },
    package: { artifact: '', unknownKey: true },
    plugins: [1],
    useDotenv: 'yes',
  },
  'not an object': ['service'],
  'an authorizer without name or arn': {
    service: 'svc',
    provider: { name: 'aws' },
    functions: { f: { handler: 'h.f', events: [{ websocket: { route: '$connect', authorizer: { identitySource: [] } } }] } },
  },
};

function errorsOf(validate: ValidateFunction, document: unknown) {
  const valid = validate(document);
  return { valid, errors: validate.errors ?? null };
}

describe('the configuration schema compiled ahead of time', () => {
  it('exists after the build', () => {
    expect(existsSync(precompiledFile), 'run `npm run build` first').toBe(true);
  });

  const precompiled = (): ValidateFunction => createRequire(import.meta.url)(precompiledFile) as ValidateFunction;
  const atRunTime = compileConfigSchema().validate;
  for (const [name, document] of Object.entries(documents)) {
    it(`finds the same as the run-time compiled schema: ${name}`, () => {
      const expected = errorsOf(atRunTime, document);
      expect(errorsOf(precompiled(), document)).toEqual(expected);
      if (name !== 'a valid service') expect(expected.valid).toBe(false);
      else expect(expected.valid).toBe(true);
    });
  }
});
