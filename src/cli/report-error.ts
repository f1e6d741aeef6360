import { isWsgateError } from '../errors.js';

/** Prints an error for a person and returns the exit code. A user's mistake never shows a stack. */
export function reportError(err: unknown): number {
  if (isWsgateError(err) && err.userError) {
    for (const issue of err.issues) {
      const where = issue.location
        ? `${issue.location.file}${issue.location.line ? `:${issue.location.line}:${issue.location.column ?? 1}` : ''}`
        : '';
      console.error(`Error [${issue.code}]${where ? ` ${where}` : ''}${issue.path ? ` at ${issue.path}` : ''}: ${issue.message}`);
      if (issue.hint) console.error(`  Hint: ${issue.hint}`);
    }
    return 1;
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  return 1;
}
