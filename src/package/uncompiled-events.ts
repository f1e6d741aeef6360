import { isRecord } from '../config/is-record.js';
import type { ErrorDetail } from '../errors.js';

/**
 * Every event of the configuration that `wsgate package` does not compile (anything but `websocket`): a template
 * without them would deploy a service missing its HTTP routes, streams, schedules… One issue per event, by config path.
 */
export function findUncompiledEvents(config: Readonly<Record<string, unknown>>, configFile: string): ErrorDetail[] {
  const issues: ErrorDetail[] = [];
  const functions = isRecord(config.functions) ? config.functions : {};
  for (const [key, fn] of Object.entries(functions)) {
    if (!isRecord(fn) || !Array.isArray(fn.events)) continue;
    fn.events.forEach((event: unknown, i: number) => {
      if (!isRecord(event)) return;
      for (const type of Object.keys(event)) {
        if (type === 'websocket') continue;
        issues.push({
          code: 'PACKAGE_EVENT_NOT_COMPILED',
          message: `event "${type}" of function "${key}" is not compiled by wsgate: the template would deploy without it`,
          path: `functions.${key}.events[${i}].${type}`,
          location: { file: configFile },
          hint: 'Deploy this service with the Serverless Framework, or run wsgate package --websocket-only to package the websocket part alone.',
        });
      }
    });
  }
  return issues;
}
