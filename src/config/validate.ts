import { WsgateError, type ErrorDetail } from '../errors.js';
import type { Dict } from './is-record.js';
import type { SourceMap } from './parse-document.js';
import { validateSchema } from './validate-schema.js';
import { validateRules } from './validate-rules.js';
import { validatePackage } from './validate-package.js';
import { checkVersions } from './validate-versions.js';

/**
 * Validates a resolved configuration: the schema first, then (on a schema-valid configuration) the
 * cross-field rules. Throws one WsgateError holding every problem; returns the warnings.
 */
export function validateConfig(config: Dict, sourceMap: SourceMap): ErrorDetail[] {
  const schema = validateSchema(config, sourceMap);
  if (schema.errors.length > 0) throw validationError(schema.errors);
  const rules = validateRules(config, sourceMap);
  if (rules.errors.length > 0) throw validationError(rules.errors);
  return [...schema.warnings, ...rules.warnings, ...checkVersions(config, sourceMap), ...validatePackage(config, sourceMap)];
}

function validationError(issues: ErrorDetail[]): WsgateError {
  const sorted = [...issues].sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
  return new WsgateError({
    ...sorted[0],
    message: sorted.length === 1 ? sorted[0].message : `${sorted.length} configuration errors; the first: ${sorted[0].message}`,
    issues: sorted,
  });
}
