import { parseConfigPath } from '../config/config-path.js';
import type { SourceMap } from '../config/parse-document.js';
import { isWsgateError, WsgateError, type ErrorDetail } from '../errors.js';

/**
 * The back ends (compile, package, runtime, gateway) see only the ServiceModel, so their errors and warnings
 * name a config path but no line. This gives them the file and line of that path in the configuration.
 */
export function locateIssue<T extends ErrorDetail>(issue: T, config: Readonly<Record<string, unknown>>, sourceMap: SourceMap): T {
  if (issue.location?.line !== undefined || issue.path === undefined) return issue;
  const path = parseConfigPath(issue.path);
  // A path outside the configuration (a CLI flag, a gateway option) would otherwise point at line 1.
  if (!path || path.length === 0 || !Object.hasOwn(config, path[0]!)) return issue;
  return { ...issue, location: sourceMap.locate(path) };
}

/** A WsgateError with every issue located; anything else unchanged. */
export function locateError(err: unknown, config: Readonly<Record<string, unknown>>, sourceMap: SourceMap): unknown {
  if (!isWsgateError(err)) return err;
  const issues = err.issues.map((issue) => locateIssue(issue, config, sourceMap));
  if (issues.every((issue, i) => issue === err.issues[i])) return err;
  const located = locateIssue({ code: err.code, message: err.message, path: err.path, location: err.location, hint: err.hint }, config, sourceMap);
  return new WsgateError({ ...located, issues, cause: err.cause, userError: err.userError });
}
