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
      // Each function's artifact hash, as v3 computed it (functions packaged individually differ).
      const v3Versions = Object.values(reference.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Version');
      const sha256ByFunctionId = Object.fromEntries(
        v3Versions.map((version) => [version.Properties.FunctionName.Ref, version.Properties.CodeSha256]),
      );
      const compiled = await compileFixture(name, v3Versions[0]?.Properties.CodeSha256, sha256ByFunctionId);
      expect(idsOf(compiled.updateTemplate, 'WebsocketsDeployment')).toEqual(idsOf(reference, 'WebsocketsDeployment'));
      expect(idsOf(compiled.updateTemplate, 'LambdaVersion')).toEqual(idsOf(reference, 'LambdaVersion'));
    });
  }
});
