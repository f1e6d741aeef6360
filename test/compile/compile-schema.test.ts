import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { loadService } from '../../src/config/load.js';
import { compile } from '../../src/compile/index.js';
import { compileFixture, FAKE_ARTIFACT, readReference, referenceFixtures, servicesDir } from './fixtures.js';
import { validateTemplate } from './validate-template.js';

describe('every template wsgate writes is valid CloudFormation', () => {
  for (const name of referenceFixtures()) {
    it(`${name}: both templates pass the resource schemas and reference checks`, async () => {
      const compiled = await compileFixture(name);
      expect(validateTemplate(compiled.updateTemplate)).toEqual([]);
      if (compiled.createTemplate) expect(validateTemplate(compiled.createTemplate)).toEqual([]);
    });
  }
});

describe('the validator itself', () => {
  it('accepts the Serverless v3 reference templates', () => {
    for (const name of referenceFixtures()) expect(validateTemplate(readReference(name, 'update')), name).toEqual([]);
  });

  it('reports a wrong property type, an unknown property, a dangling Ref/GetAtt/Sub/DependsOn and a bad attribute', () => {
    const problems = validateTemplate({
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          DependsOn: ['Missing1'],
          Properties: {
            Code: { S3Bucket: { Ref: 'Missing2' }, S3Key: 'k' },
            Role: { 'Fn::GetAtt': ['Missing3', 'Arn'] },
            MemorySize: 'lots',
            Bogus: true,
            Environment: { Variables: { A: { 'Fn::Sub': '${Missing4}-${AWS::Region}' } } },
          },
        },
        Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { 'Fn::GetAtt': ['Fn', 'Nope'] } } },
      },
    });
    const text = problems.join('\n');
    expect(text).toContain('/MemorySize must be integer');
    expect(text).toContain('must NOT have additional properties {"additionalProperty":"Bogus"}');
    expect(text).toContain('DependsOn Missing1 does not exist');
    expect(text).toContain('Ref Missing2 does not exist');
    expect(text).toContain('Fn::GetAtt Missing3 does not exist');
    expect(text).toContain('Fn::Sub ${Missing4} does not exist');
    expect(text).toContain('AWS::Lambda::Function has no attribute Nope');
    expect(text).not.toContain('AWS::Region');
  });
});

describe('the example service', () => {
  it('examples/chat compiles into valid CloudFormation', async () => {
    const serviceDir = join(resolve(servicesDir, '../../..'), 'examples/chat');
    const { model } = await loadService({ serviceDir, env: {} });
    const compiled = compile(model, { artifact: FAKE_ARTIFACT, artifactDirectoryName: 'serverless/chat/dev/1-2' });
    expect(validateTemplate(compiled.updateTemplate)).toEqual([]);
    expect(compiled.updateTemplate.Resources.SconnectWebsocketsRoute?.Properties?.AuthorizationType).toBe('CUSTOM');
  });
});
