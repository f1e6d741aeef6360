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
