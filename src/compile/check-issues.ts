import { WsgateError, type ErrorDetail } from '../errors.js';

/** Throws every collected issue at once: the one issue itself, or a summary carrying all of them. */
export function throwIssues(issues: readonly ErrorDetail[]): void {
  if (issues.length === 0) return;
  if (issues.length === 1) throw new WsgateError(issues[0]);
  throw new WsgateError({
    code: 'PACKAGE_INVALID_SERVICE',
    message: `The service cannot be compiled (${issues.length} problems):\n${issues
      .map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`)
      .join('\n')}`,
    location: issues[0].location,
    issues,
  });
}
