import { BUNDLER_PLUGINS } from '../build/bundler-plugin.js';
import { isValidLogicalId, websocketsRouteId } from '../compile/naming.js';
import { isWsgateError, type ErrorDetail } from '../errors.js';
import { parseAccessLogFormat } from '../gateway/logs/render-access-log.js';
import { parseRouteSelectionExpression } from '../gateway/route-selection.js';
import { formatConfigPath, type PathSegment } from './config-path.js';
import { isRecord, type Dict } from './is-record.js';
import type { SourceMap } from './parse-document.js';
import { V3_EVENT_TYPES } from './v3-keys.js';
import { pluginNote } from './plugin-notes.js';

const PREDEFINED_ROUTES = new Set(['$connect', '$disconnect', '$default']);
const LOG_LEVELS = new Set(['INFO', 'ERROR']);
const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(V3_EVENT_TYPES);

export interface RuleFindings {
  errors: ErrorDetail[];
  warnings: ErrorDetail[];
}

/**
 * The checks a schema cannot express, run on a schema-valid configuration before anything runs.
 * Where Serverless v3 has a code and text, they are reused; where it lets a mistake through to
 * deploy time (authorizer off `$connect`, reserved route keys) wsgate fails early; a route key defined twice,
 * which v3 deploys (the last definition wins), is a warning.
 */
export function validateRules(config: Dict, sourceMap: SourceMap): RuleFindings {
  const errors: ErrorDetail[] = [];
  const warnings: ErrorDetail[] = [];
  const issue = (list: ErrorDetail[], code: string, path: PathSegment[], message: string, hint?: string) =>
    list.push({ code, message, path: formatConfigPath(path), location: sourceMap.locate(path), hint });

  const functions = isRecord(config.functions) ? config.functions : {};
  const definitions = new Map<string, Array<{ functionKey: string; path: PathSegment[] }>>();
  let hasWebsocket = false;

  const providerRuntime = isRecord(config.provider) ? config.provider.runtime : undefined;
  for (const [key, fn] of Object.entries(functions)) {
    if (!isRecord(fn)) continue;
    const runtime = typeof fn.runtime === 'string' ? fn.runtime : typeof providerRuntime === 'string' ? providerRuntime : 'nodejs';
    // Lambda hands an OS-only runtime's handler to its bootstrap as it is (`_HANDLER`); Node and Python split it at the last dot.
    if (typeof fn.handler === 'string' && fn.handler !== '' && !fn.handler.includes('.') && !runtime.startsWith('provided')) {
      issue(
        errors,
        'CONFIG_INVALID_VALUE',
        ['functions', key, 'handler'],
        `functions.${key}.handler must be a handler "path/to/file.export", got "${fn.handler}"`,
        `Expected a handler "path/to/file.export" for ${runtime}; only provided.* runtimes take any name, such as bootstrap.`,
      );
    }
    if (!Array.isArray(fn.events)) continue;
    fn.events.forEach((event: unknown, i: number) => {
      const eventPath: PathSegment[] = ['functions', key, 'events', i];
      if (!isRecord(event)) return;
      for (const type of Object.keys(event)) {
        // `stream` events run in `wsgate dev` (src/dynamodb/ reports those it cannot run).
        if (type !== 'websocket' && type !== 'stream' && KNOWN_EVENT_TYPES.has(type)) {
          issue(
            warnings,
            'CONFIG_UNSUPPORTED_EVENT',
            [...eventPath, type],
            `Event "${type}" of function "${key}" is not a websocket event: wsgate ignores it`,
          );
        } else if (type !== 'websocket' && type !== 'stream') {
          issue(
            warnings,
            'CONFIG_UNKNOWN_EVENT',
            [...eventPath, type],
            `Unknown event "${type}" of function "${key}": Serverless v3 defines no such event (a plugin may); wsgate ignores it`,
            `Events of Serverless v3: ${[...KNOWN_EVENT_TYPES].join(', ')}.`,
          );
        }
      }
      if (event.websocket === undefined) return;
      hasWebsocket = true;
      const ws = event.websocket;
      const wsPath = [...eventPath, 'websocket'];
      const routeKey = typeof ws === 'string' ? ws : isRecord(ws) && typeof ws.route === 'string' ? ws.route : undefined;
      if (routeKey === undefined) return;
      const routePath = typeof ws === 'string' ? wsPath : [...wsPath, 'route'];

      const uses = definitions.get(routeKey) ?? [];
      uses.push({ functionKey: key, path: routePath });
      definitions.set(routeKey, uses);
      if (routeKey.startsWith('$') && !PREDEFINED_ROUTES.has(routeKey)) {
        issue(
          errors,
          'CONFIG_RESERVED_ROUTE_KEY',
          routePath,
          `Route key "${routeKey}" is reserved: custom route keys may not start with "$"`,
          'Use $connect, $disconnect, $default, or a custom key without "$" (e.g. "sendmessage").',
        );
      } else if (!isValidLogicalId(websocketsRouteId(routeKey))) {
        issue(
          warnings,
          'CONFIG_ROUTE_KEY_LOGICAL_ID',
          routePath,
          `Route key "${routeKey}" contains characters that make an invalid CloudFormation logical id: the deploy would fail`,
          'Use letters, digits and $ / - _ . in route keys.',
        );
      }

      if (!isRecord(ws) || ws.authorizer === undefined) return;
      const authPath = [...wsPath, 'authorizer'];
      if (routeKey !== '$connect') {
        issue(
          errors,
          'CONFIG_AUTHORIZER_NOT_ON_CONNECT',
          authPath,
          `Currently, authorization is restricted to the $connect route only (route "${routeKey}" has an authorizer)`,
          'Move the authorizer to the $connect event: AWS authorizes the connection once.',
        );
      }
      const auth = ws.authorizer;
      if (typeof auth === 'string') {
        if (!auth.includes(':')) checkFunctionExists(auth, authPath);
      } else if (isRecord(auth)) {
        if (auth.arn !== undefined) {
          if (typeof auth.arn !== 'string' && auth.name === undefined) {
            issue(
              errors,
              'WEBSOCKETS_MISSING_AUTHORIZER_NAME',
              [...authPath, 'arn'],
              'Websocket Authorizer: Non-string "arn" needs to be accompanied with "name"',
              'Add `name:` next to `arn:`; it names the authorizer in AWS.',
            );
          }
        } else if (typeof auth.name === 'string') {
          checkFunctionExists(auth.name, [...authPath, 'name']);
        }
      }
    });
  }

  // Serverless v3 deploys a route key defined twice: its routes template is merged, so the last definition's
  // integration serves the route. wsgate runs it the same way and says so.
  for (const [routeKey, uses] of definitions) {
    if (uses.length < 2) continue;
    const serving = uses[uses.length - 1]!;
    const listed = uses.map((use) => `"${use.functionKey}" (${formatConfigPath(use.path)})`).join(', ');
    issue(
      warnings,
      'CONFIG_DUPLICATE_ROUTE_KEY',
      serving.path,
      `Route "${routeKey}" is defined ${uses.length} times, by functions ${listed}: as on AWS after a Serverless deploy, the last definition wins and function "${serving.functionKey}" serves the route`,
      'Keep one websocket event per route key; the others never run.',
    );
  }

  function checkFunctionExists(name: string, path: PathSegment[]) {
    if (Object.prototype.hasOwnProperty.call(functions, name)) return;
    const known = Object.keys(functions);
    issue(
      errors,
      'FUNCTION_MISSING_IN_SERVICE',
      path,
      `Function "${name}" doesn't exist in this Service`,
      known.length ? `Functions of this service: ${known.join(', ')}. An authorizer outside it needs its ARN.` : undefined,
    );
  }

  const provider = isRecord(config.provider) ? config.provider : {};
  const logs = isRecord(provider.logs) ? provider.logs : {};
  // The gateway's own parsers, run here so that `wsgate dev` and `wsgate package` both stop at the user's line
  // (AWS would refuse either value at deploy time).
  const expression = provider.websocketsApiRouteSelectionExpression;
  if (typeof expression === 'string') {
    const expressionPath = ['provider', 'websocketsApiRouteSelectionExpression'];
    for (const found of collectThrownIssues(() => parseRouteSelectionExpression(expression))) {
      issue(errors, found.code, expressionPath, found.message, found.hint);
    }
  }
  const websocketLogs = isRecord(logs.websocket) ? logs.websocket : {};
  const { format } = websocketLogs;
  if (websocketLogs.accessLogging !== false && typeof format === 'string') {
    const formatPath = ['provider', 'logs', 'websocket', 'format'];
    for (const found of collectThrownIssues(() => parseAccessLogFormat(format))) {
      issue(errors, found.code, formatPath, found.message, found.hint);
    }
  }
  if (websocketLogs.level !== undefined && !LOG_LEVELS.has(String(websocketLogs.level))) {
    issue(
      errors,
      'WEBSOCKETS_INVALID_LOGS_LEVEL',
      ['provider', 'logs', 'websocket', 'level'],
      `provider.logs.websocket.level is set to an invalid value. Support values are INFO, ERROR, got ${String(websocketLogs.level)}.`,
      'Use INFO or ERROR.',
    );
  }

  const plugins = Array.isArray(config.plugins)
    ? config.plugins
    : isRecord(config.plugins) && Array.isArray(config.plugins.modules)
      ? config.plugins.modules
      : [];
  const pluginsPath: PathSegment[] = Array.isArray(config.plugins) ? ['plugins'] : ['plugins', 'modules'];
  plugins.forEach((plugin: unknown, i: number) => {
    // wsgate does what these do itself: it bundles the handlers with esbuild.
    if ((BUNDLER_PLUGINS as readonly unknown[]).includes(plugin)) return;
    const note = typeof plugin === 'string' ? pluginNote(plugin) : undefined;
    issue(
      warnings,
      'CONFIG_UNKNOWN_PLUGIN',
      [...pluginsPath, i],
      `Plugin "${String(plugin)}" is not run by wsgate: ${note?.effect ?? 'it is ignored'}`,
      note?.hint,
    );
  });

  if (hasWebsocket && isRecord(provider.tags) && !(isRecord(provider.websocket) && provider.websocket.useProviderTags === true)) {
    issue(
      warnings,
      'AWS_WEBSOCKET_API_USE_PROVIDER_TAGS',
      ['provider', 'tags'],
      'Starting with next major version, the provider tags will be applied to Websocket Api Gateway by default. Set "provider.websocket.useProviderTags" to "true" to adapt to the new behavior now.',
    );
  }
  return { errors, warnings };
}

/** The issues of the WsgateError `check` throws (none when it passes). */
function collectThrownIssues(check: () => unknown): readonly ErrorDetail[] {
  try {
    check();
    return [];
  } catch (err) {
    if (isWsgateError(err)) return err.issues;
    throw err;
  }
}
