import semver from 'semver';
import type { ErrorDetail } from '../errors.js';
import { isRecord, type Dict } from './is-record.js';
import type { SourceMap } from './parse-document.js';
import { DEPRECATED_RUNTIMES } from './deprecated-runtimes.js';

/** The Serverless version whose behaviour wsgate reproduces, for `frameworkVersion`. */
export const EMULATED_FRAMEWORK_VERSION = '3.40.0';

/**
 * `frameworkVersion` checked as Serverless 3.40 checks it (`lib/classes/service.js`; its texts and codes). v3 stops
 * on a range that excludes it; wsgate warns, since the service may still be written in what v3 reads.
 * A function on a deprecated Lambda runtime gets a note with AWS's deprecation date.
 */
export function checkVersions(config: Dict, sourceMap: SourceMap, today = new Date()): ErrorDetail[] {
  const warnings: ErrorDetail[] = [];
  const file = sourceMap.file.split(/[\\/]/).pop();
  const { frameworkVersion } = config;
  if (frameworkVersion !== undefined && frameworkVersion !== null) {
    const range = String(frameworkVersion);
    const at = { path: 'frameworkVersion', location: sourceMap.locate(['frameworkVersion']) };
    if (!semver.validRange(range)) {
      warnings.push({
        code: 'INVALID_FRAMEWORK_VERSION',
        message: 'Configured "frameworkVersion" does not represent a valid semver version range, version validation is skipped',
        ...at,
      });
    } else if (!semver.satisfies(EMULATED_FRAMEWORK_VERSION, range)) {
      warnings.push({
        code: 'FRAMEWORK_VERSION_MISMATCH',
        message: `The Serverless version (${EMULATED_FRAMEWORK_VERSION}) does not satisfy the "frameworkVersion" (${range}) in ${file}`,
        ...at,
        hint: 'wsgate runs and packages the service as Serverless v3 would; Serverless v3 itself would refuse it. Set frameworkVersion: "3" if the service is written for v3.',
      });
    }
  }

  const provider = isRecord(config.provider) ? config.provider : {};
  const functions = isRecord(config.functions) ? config.functions : {};
  const uses = new Map<string, (string | number)[]>();
  if (typeof provider.runtime === 'string') uses.set(provider.runtime, ['provider', 'runtime']);
  for (const [key, fn] of Object.entries(functions)) {
    if (isRecord(fn) && typeof fn.runtime === 'string' && !uses.has(fn.runtime)) uses.set(fn.runtime, ['functions', key, 'runtime']);
  }
  for (const [runtime, path] of uses) {
    const deprecation = DEPRECATED_RUNTIMES[runtime];
    if (!deprecation || new Date(`${deprecation.deprecated}T00:00:00Z`) > today) continue;
    warnings.push({
      code: 'RUNTIME_DEPRECATED',
      message: `Runtime ${runtime} was deprecated by AWS Lambda on ${deprecation.deprecated}${deprecation.blocked ? `; ${deprecation.blocked}` : ''}: wsgate runs it locally with the Node.js/Python it has`,
      path: path.join('.'),
      location: sourceMap.locate(path),
      hint: `Move to ${deprecation.successor} (see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).`,
    });
  }
  return warnings;
}
