import path from 'node:path';
import { isWsgateError, type ErrorDetail } from '../errors.js';

/** Prints an error for a person and returns the exit code. A user's mistake never shows a stack. */
export function reportError(err: unknown): number {
  if (isWsgateError(err) && err.userError) {
    const issues = err.issues.length > 0 ? err.issues : [err];
    if (issues.length > 1) console.error(`${issues.length} errors:`);
    for (const issue of issues) console.error(formatIssue('Error', issue));
    return 1;
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  return 1;
}

/** Prints non-fatal findings (ignored events, plugins, keys) on stderr. */
export function reportWarnings(warnings: readonly ErrorDetail[]): void {
  for (const warning of warnings) console.error(formatIssue('Warning', warning));
}

/** `Error [CODE] serverless.yml:12:9 at functions.a.events[0]: message` and an indented hint. */
export function formatIssue(kind: 'Error' | 'Warning', issue: ErrorDetail): string {
  const where = issue.location
    ? `${displayPath(issue.location.file)}${issue.location.line ? `:${issue.location.line}:${issue.location.column ?? 1}` : ''}`
    : '';
  const head = `${kind} [${issue.code}]${where ? ` ${where}` : ''}${issue.path ? ` at ${issue.path}` : ''}: ${issue.message}`;
  return issue.hint ? `${head}\n  Hint: ${issue.hint}` : head;
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
