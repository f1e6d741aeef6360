import { describe, expect, it } from 'vitest';
import { normalizeTemplate } from './normalize-template.js';
import { compileFixture, readReference, referenceFixtures } from './fixtures.js';

describe('compile matches Serverless v3.40 resource for resource', () => {
  for (const name of referenceFixtures()) {
    it(`${name}: update-stack template`, async () => {
      const compiled = await compileFixture(name);
      expect(normalizeTemplate(compiled.updateTemplate)).toEqual(normalizeTemplate(readReference(name, 'update')));
    });
    it(`${name}: create-stack template`, async () => {
      const compiled = await compileFixture(name);
      const reference = readReference(name, 'create');
      expect(compiled.createTemplate === undefined ? undefined : normalizeTemplate(compiled.createTemplate)).toEqual(
        reference === undefined ? undefined : normalizeTemplate(reference),
      );
    });
  }
});

describe('hash-named ids are the ones Serverless v3 computes', () => {
  const idsOf = (template: unknown, part: string) =>
    Object.keys((template as { Resources: object }).Resources)
      .filter((id) => id.includes(part) && id !== 'WebsocketsDeploymentStage')
      .sort();

  for (const name of referenceFixtures()) {
    it(`${name}: the same deployment id, and the same version ids for v3's artifact hash`, async () => {
      const reference = readReference(name, 'update') as { Resources: Record<string, any> };
      const v3Version = Object.values(reference.Resources).find((resource) => resource.Type === 'AWS::Lambda::Version');
      const compiled = await compileFixture(name, v3Version?.Properties.CodeSha256);
      expect(idsOf(compiled.updateTemplate, 'WebsocketsDeployment')).toEqual(idsOf(reference, 'WebsocketsDeployment'));
      expect(idsOf(compiled.updateTemplate, 'LambdaVersion')).toEqual(idsOf(reference, 'LambdaVersion'));
    });
  }
});
