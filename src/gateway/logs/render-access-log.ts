import { WsgateError } from '../../errors.js';
import { isKnownAccessLogVariable, readAccessLogVariable } from './access-log-variables.js';
import type { RequestRecord } from './request-record.js';

/** API Gateway's limit on an access log format. */
export const ACCESS_LOG_FORMAT_LIMIT_BYTES = 3 * 1024;

export const ACCESS_LOG_FORMAT_PATH = 'provider.logs.websocket.format';

export type AccessLogTemplate = ReadonlyArray<{ text: string } | { variable: string }>;

// `$context.` then dot-separated names; a trailing dot (end of a sentence) is not part of the name.
const VARIABLE = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;

/** Splits a format into text and `$context` variables; throws a WsgateError listing every problem. */
export function parseAccessLogFormat(format: string, configFile?: string): AccessLogTemplate {
  const issues: string[] = [];
  const size = Buffer.byteLength(format, 'utf8');
  if (size > ACCESS_LOG_FORMAT_LIMIT_BYTES) {
    issues.push(`it is ${size} bytes, over API Gateway's ${ACCESS_LOG_FORMAT_LIMIT_BYTES}-byte limit`);
  }
  if (!format.includes('$context.requestId') && !format.includes('$context.extendedRequestId')) {
    issues.push('it must contain $context.requestId or $context.extendedRequestId, as API Gateway requires');
  }
  const template: Array<{ text: string } | { variable: string }> = [];
  let last = 0;
  const unknown: string[] = [];
  for (const match of format.matchAll(VARIABLE)) {
    if (match.index > last) template.push({ text: format.slice(last, match.index) });
    const name = match[1];
    if (!isKnownAccessLogVariable(name)) unknown.push(`$context.${name}`);
    template.push({ variable: name });
    last = match.index + match[0].length;
  }
  if (last < format.length) template.push({ text: format.slice(last) });
  if (unknown.length > 0) issues.push(`unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);

  if (issues.length > 0) {
    const hint = 'use the $context variables AWS documents for WebSocket access logs (docs/logs.md), e.g. $context.requestId $context.routeKey $context.status';
    const location = configFile ? { location: { file: configFile } } : {};
    const details = issues.map((message) => ({
      code: 'WEBSOCKETS_INVALID_LOGS_FORMAT',
      message: `invalid access log format: ${message}`,
      path: ACCESS_LOG_FORMAT_PATH,
      ...location,
      hint,
    }));
    throw new WsgateError({
      code: 'WEBSOCKETS_INVALID_LOGS_FORMAT',
      message: `Invalid access log format in ${configFile ?? 'the configuration'} at ${ACCESS_LOG_FORMAT_PATH}: ${issues.join('; ')}`,
      path: ACCESS_LOG_FORMAT_PATH,
      ...location,
      hint,
      issues: details,
    });
  }
  return template;
}

/** One access log line for a finished request. */
export function renderAccessLog(template: AccessLogTemplate, record: RequestRecord): string {
  let line = '';
  for (const part of template) line += 'text' in part ? part.text : readAccessLogVariable(part.variable, record);
  return line;
}
