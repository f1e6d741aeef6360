import { WsgateError } from '../../errors.js';
import { formatConfigPath, type ConfigPath } from '../config-path.js';
import type { SourceMap } from '../parse-document.js';

/** Where a config path is written: in the main file, or in the file a `${file(…)}` included it from. */
export type Locate = SourceMap['locate'];

/** A resolution failure at `path`, located where the value is written. */
export function variableError(locate: Locate, path: ConfigPath, code: string, message: string, hint?: string): WsgateError {
  return new WsgateError({ code, message, path: formatConfigPath(path), location: locate(path), hint });
}

/** Anything a source throws that is not one of the variable errors. */
export function unexpectedVariableError(locate: Locate, err: unknown, path: ConfigPath): WsgateError {
  return new WsgateError({
    code: 'VARIABLE_RESOLUTION_ERROR',
    message: `Cannot resolve variable at "${formatConfigPath(path)}": ${err instanceof Error ? err.message : String(err)}`,
    path: formatConfigPath(path),
    location: locate(path),
    hint: 'Check the variables of this value.',
    cause: err,
  });
}

/** `path` is being resolved already: the chain of values, from the first one of the loop, that lead back to it. */
export function circularReferenceError(locate: Locate, inProgress: readonly ConfigPath[], path: ConfigPath): WsgateError {
  const key = path.join('\0');
  const start = inProgress.findIndex((p) => p.join('\0') === key);
  const chain = [...inProgress.slice(start), path].map((p) => formatConfigPath(p) || '(root)');
  const message =
    chain.length <= 2
      ? `Circular reference. "${chain[0]}" refers to itself`
      : `Circular reference among ${chain.slice(0, -1).map((c) => `"${c}"`).join(', ')}: ${chain.join(' → ')}`;
  return variableError(locate, inProgress[start] ?? path, 'CIRCULAR_PROPERTY_DEPENDENCY', message, 'Break the loop: one of these values must not depend on the others.');
}
