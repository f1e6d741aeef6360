import type { ErrorDetail } from '../errors.js';
import { formatConfigPath, type PathSegment } from './config-path.js';
import { isRecord, type Dict } from './is-record.js';
import type { SourceMap } from './parse-document.js';

const FILE_SELECTION_KEYS = ['patterns', 'include', 'exclude'] as const;

/**
 * Package settings that are valid one by one but have no effect together, run on a schema-valid
 * configuration. Each is a warning: Serverless v3 packages such a service too, ignoring the setting.
 */
export function validatePackage(config: Dict, sourceMap: SourceMap): ErrorDetail[] {
  const warnings: ErrorDetail[] = [];
  const warn = (code: string, path: PathSegment[], message: string, hint: string) =>
    warnings.push({ code, message, path: formatConfigPath(path), location: sourceMap.locate(path), hint });

  const servicePackage = isRecord(config.package) ? config.package : {};
  const functions = isRecord(config.functions) ? config.functions : {};
  for (const [key, fn] of Object.entries(functions)) {
    if (!isRecord(fn) || !isRecord(fn.package)) continue;
    const own: Dict = fn.package;
    const selection = FILE_SELECTION_KEYS.find((name) => own[name] !== undefined);
    if (selection === undefined) continue;
    const path = ['functions', key, 'package', selection];
    if (typeof own.artifact === 'string') {
      warn(
        'PACKAGE_FUNCTION_PATTERNS_IGNORED',
        path,
        `functions.${key}.package.${selection} is not used: the function deploys from its package.artifact`,
        'Remove the patterns, or remove package.artifact to let wsgate zip the function.',
      );
    } else if (own.individually !== true && servicePackage.individually !== true) {
      // Serverless v3's warning, word for word.
      warn(
        'PACKAGE_FUNCTION_PATTERNS_IGNORED',
        path,
        'Package patterns at function level are only applicable if package.individually is set to true at service level or function level in serverless.yaml. The framework will ignore the patterns defined at the function level and apply only the service-wide ones.',
        `Set package.individually: true (for every function) or functions.${key}.package.individually: true.`,
      );
    }
  }
  return warnings;
}
