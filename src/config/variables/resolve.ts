import { randomUUID } from 'node:crypto';
import { WsgateError, type ErrorDetail } from '../../errors.js';
import { formatConfigPath, type ConfigPath, type PathSegment } from '../config-path.js';
import { isRecord } from '../is-record.js';
import type { SourceMap } from '../parse-document.js';
import { chooseRegion, chooseStage } from '../stage-and-region.js';
import { isWholeVariable, parseTemplate, VariableSyntaxError, type ParamExpr, type Template, type VariableExpr } from './parse.js';
import {
  DeployTimeValue,
  SourceNeedsAwsError,
  VariableSourceError,
  type GatewayEndpoint,
  type VariableMode,
  type VariableSource,
  type VariableSourceContext,
} from './source.js';
import { createVariableSources } from './sources/index.js';

export interface ResolveVariablesOptions {
  serviceDir: string;
  sourceMap: SourceMap;
  options: Readonly<Record<string, string | boolean>>;
  env: Readonly<Record<string, string | undefined>>;
  /** Default `dev`. */
  mode?: VariableMode;
  /** `--var key=value` values of AWS-only variables. */
  localVariables?: Readonly<Record<string, string>>;
  /** Default 127.0.0.1:3001, the CLI's default. */
  gatewayEndpoint?: GatewayEndpoint;
  /**
   * Called once `useDotenv` and `provider.stage` are resolved (with `env`), before any other value:
   * returns the environment everything else resolves with (Serverless v3 loads `.env` files here).
   * `missingEnv` names the variables those two values looked up and did not find.
   */
  prepareEnv?: (early: EarlyValues) => Readonly<Record<string, string | undefined>>;
}

export interface EarlyValues {
  useDotenv: unknown;
  stage: string;
  missingEnv: ReadonlySet<string>;
}

/** A string that resolves to a string holding variables again is re-resolved, up to this depth. */
const MAX_NESTED_RESOLUTION = 10;

/**
 * Resolves every variable of `config` in place, as Serverless v3 does: each value is resolved once,
 * `${self:…}` resolves what it points at first, cycles are reported, and every failure is collected
 * so the user sees all of them at once.
 */
export async function resolveVariables(config: Record<string, unknown>, opts: ResolveVariablesOptions): Promise<SourceMap> {
  const resolver = new VariableResolver(config, opts);
  await resolver.resolveAll();
  return resolver.sourceMap;
}

class VariableResolver {
  private readonly holder: Record<string, unknown>;
  private readonly done = new Set<string>();
  private readonly failed = new Map<string, WsgateError>();
  private readonly inProgress: ConfigPath[] = [];
  private readonly inProgressKeys = new Set<string>();
  private readonly sources: Record<string, VariableSource>;
  private readonly ctx: VariableSourceContext;
  /** Values included from other files (`${file(…)}`), by config path: errors inside point into that file. */
  private readonly includes = new Map<string, { path: ConfigPath; sourceMap: SourceMap; address: readonly string[] }>();
  private pendingInclude: { sourceMap: SourceMap; address: readonly string[] } | undefined;
  private env: Readonly<Record<string, string | undefined>>;
  readonly sourceMap: SourceMap;

  constructor(
    config: Record<string, unknown>,
    private readonly opts: ResolveVariablesOptions,
  ) {
    this.holder = { root: config };
    this.sourceMap = {
      file: opts.sourceMap.file,
      locate: (path) => this.locate(path),
    };
    this.sources = createVariableSources();
    const instanceId = randomUUID();
    this.env = opts.env;
    const resolver = this;
    this.ctx = {
      serviceDir: opts.serviceDir,
      options: opts.options,
      get env() {
        return resolver.env;
      },
      instanceId,
      mode: opts.mode ?? 'dev',
      localVariables: opts.localVariables ?? {},
      gatewayEndpoint: opts.gatewayEndpoint ?? { host: '127.0.0.1', port: 3001 },
      resolveConfigValue: (path) => this.resolveConfigValue(path),
      resolveConfigKeys: (path) => this.resolveConfigKeys(path),
      resolveStage: async () => chooseStage(opts.options, await this.resolveConfigValue(['provider', 'stage'])),
      registerInclude: (sourceMap, address) => {
        this.pendingInclude = { sourceMap, address };
      },
      resolveRegion: async () => chooseRegion(opts.options, await this.resolveConfigValue(['provider', 'region'])),
    };
  }

  async resolveAll(): Promise<void> {
    if (this.opts.prepareEnv) await this.prepareEnv(this.opts.prepareEnv);
    const issues: ErrorDetail[] = [];
    const seen = new Set<WsgateError>();
    const visit = async (container: Record<string, unknown>, key: PathSegment, path: ConfigPath) => {
      let value: unknown;
      try {
        value = await this.resolveAt(container, key, path);
      } catch (err) {
        if (!(err instanceof WsgateError)) throw err;
        if (!seen.has(err)) {
          seen.add(err);
          issues.push(...err.issues);
        }
        return;
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) await visit(value as unknown as Record<string, unknown>, i, [...path, i]);
      } else if (isRecord(value)) {
        for (const k of Object.keys(value)) await visit(value, k, [...path, k]);
      }
    };
    await visit(this.holder, 'root', []);
    if (issues.length > 0) {
      throw new WsgateError({ ...issues[0], issues });
    }
  }

  /**
   * Resolves `useDotenv` and `provider.stage` first, noting the variables they missed, then switches to
   * the environment `prepare` returns. When either fails, the environment stays as it is: the failure
   * is cached and reported with every other one.
   */
  private async prepareEnv(prepare: NonNullable<ResolveVariablesOptions['prepareEnv']>): Promise<void> {
    const base = this.env;
    const missingEnv = new Set<string>();
    this.env = new Proxy(base, {
      get(target, name) {
        const value = Reflect.get(target, name) as string | undefined;
        if (typeof name === 'string' && !value) missingEnv.add(name);
        return value;
      },
    });
    let early: EarlyValues | undefined;
    try {
      early = { useDotenv: await this.resolveConfigValue(['useDotenv']), stage: await this.ctx.resolveStage(), missingEnv };
    } catch (err) {
      if (!(err instanceof WsgateError)) throw err;
    } finally {
      this.env = base;
    }
    if (early) this.env = prepare(early);
  }

  /** `${self:a.b.c}`: walks from the root resolving each step, then resolves the whole value found. */
  private async resolveConfigValue(path: ConfigPath): Promise<unknown> {
    let container: Record<string, unknown> = this.holder;
    let key: PathSegment = 'root';
    for (let i = 0; i < path.length; i++) {
      const node = await this.resolveAt(container, key, path.slice(0, i));
      if (!isRecord(node) && !Array.isArray(node)) return undefined;
      const segment = Array.isArray(node) && /^\d+$/.test(String(path[i])) ? Number(path[i]) : path[i];
      if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
      container = node as Record<string, unknown>;
      key = segment;
    }
    const value = await this.resolveAt(container, key, path);
    await this.resolveDescendants(value, path);
    return isRecord(value) || Array.isArray(value) ? structuredClone(value) : value;
  }

  private async resolveConfigKeys(path: ConfigPath): Promise<string[] | undefined> {
    let node: unknown = await this.resolveAt(this.holder, 'root', []);
    for (let i = 0; i < path.length; i++) {
      if (!isRecord(node) || !Object.prototype.hasOwnProperty.call(node, path[i])) return undefined;
      node = await this.resolveAt(node, path[i], path.slice(0, i + 1));
    }
    return isRecord(node) ? Object.keys(node) : undefined;
  }

  private async resolveDescendants(value: unknown, path: ConfigPath): Promise<void> {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child = await this.resolveAt(value as unknown as Record<string, unknown>, i, [...path, i]);
        await this.resolveDescendants(child, [...path, i]);
      }
    } else if (isRecord(value)) {
      for (const k of Object.keys(value)) {
        const child = await this.resolveAt(value, k, [...path, k]);
        await this.resolveDescendants(child, [...path, k]);
      }
    }
  }

  /** Resolves the string at container[key] if it holds variables (not its descendants) and returns the value. */
  private async resolveAt(container: Record<string, unknown>, key: PathSegment, path: ConfigPath): Promise<unknown> {
    const value = container[key as string];
    if (typeof value !== 'string') return value;
    const pathKey = path.join('\0');
    if (this.done.has(pathKey)) return value;
    const failure = this.failed.get(pathKey);
    if (failure) throw failure;
    if (this.inProgressKeys.has(pathKey)) throw this.cycleError(path);

    this.inProgressKeys.add(pathKey);
    this.inProgress.push(path);
    try {
      let result: unknown = value;
      for (let depth = 0; typeof result === 'string'; depth++) {
        const template = this.parse(result, path);
        if (!template) break;
        if (depth === MAX_NESTED_RESOLUTION) {
          throw this.error(path, 'VARIABLES_TOO_DEEP', `Variables at "${formatConfigPath(path)}" keep resolving to more variables`, 'Check for values that resolve to variable text again and again.');
        }
        this.pendingInclude = undefined;
        result = await this.evaluateTemplate(template, path);
        if (result instanceof DeployTimeValue) {
          result = structuredClone(result.intrinsic);
          break;
        }
        if (!isWholeVariable(template)) break; // text built from several sources is not parsed again
        const include = this.takePendingInclude();
        if (include && (isRecord(result) || Array.isArray(result))) this.includes.set(pathKey, { path, ...include });
      }
      container[key as string] = result;
      this.done.add(pathKey);
      return result;
    } catch (err) {
      const error = err instanceof WsgateError ? err : this.wrapError(err, path);
      this.failed.set(pathKey, error);
      throw error;
    } finally {
      this.inProgressKeys.delete(pathKey);
      this.inProgress.pop();
    }
  }

  private takePendingInclude() {
    const include = this.pendingInclude;
    this.pendingInclude = undefined;
    return include;
  }

  /** The deepest `${file(…)}` include holding `path` locates it in its own file; else the main file does. */
  private locate(path: ConfigPath) {
    for (let n = path.length; n > 0; n--) {
      const include = this.includes.get(path.slice(0, n).join('\0'));
      if (!include) continue;
      const inner = include.sourceMap.locate([...include.address, ...path.slice(n)]);
      if (inner.line !== undefined) return inner;
      break;
    }
    return this.opts.sourceMap.locate(path);
  }

  private parse(value: string, path: ConfigPath): Template | null {
    try {
      return parseTemplate(value);
    } catch (err) {
      if (err instanceof VariableSyntaxError) {
        throw this.error(path, err.code, err.message, "Variables read ${source:address, fallback}; quote text fallbacks ('dev').");
      }
      throw err;
    }
  }

  private async evaluateTemplate(template: Template, path: ConfigPath): Promise<unknown> {
    if (isWholeVariable(template)) return this.evaluateVariable(template.parts[0], path);
    let out = '';
    // Deploy-time values (package mode) turn the text into an Fn::Join of its pieces.
    const pieces: unknown[] = [];
    for (const part of template.parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const value = await this.evaluateVariable(part, path);
      if (value instanceof DeployTimeValue) {
        if (out !== '') pieces.push(out);
        pieces.push(structuredClone(value.intrinsic));
        out = '';
        continue;
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw this.error(
          path,
          'NON_STRING_VARIABLE_RESULT',
          `Cannot resolve variable at "${formatConfigPath(path)}": String value consist of variable which resolve with non-string value`,
          `${part.text} resolves to ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}; inside longer text a variable must resolve to text, a number or a boolean.`,
        );
      }
      out += String(value);
    }
    if (pieces.length === 0) return out;
    if (out !== '') pieces.push(out);
    return new DeployTimeValue({ 'Fn::Join': ['', pieces] });
  }

  private async evaluateVariable(variable: VariableExpr, path: ConfigPath): Promise<unknown> {
    let lastType = '';
    let needsAws: SourceNeedsAwsError | undefined;
    for (const source of variable.sources) {
      if (source.kind === 'literal') return source.value;
      lastType = source.type;
      const resolveSource = this.sources[source.type];
      if (!resolveSource) {
        throw this.error(
          path,
          'VARIABLES_UNKNOWN_SOURCE',
          `Cannot resolve variable at "${formatConfigPath(path)}": unknown source "${source.type}" in ${variable.text}`,
          'The sources of Serverless v3: self, opt, env, sls, param, file, strToBool, aws, cf, ssm, s3 (see docs/configuration.md).',
        );
      }
      const params: unknown[] = [];
      for (const p of source.params ?? []) params.push(await this.evaluateParam(p, path));
      const address = source.address === undefined ? undefined : await this.evaluateParam(source.address, path);
      if (address !== undefined && typeof address !== 'string' && typeof address !== 'number') {
        throw this.error(path, 'INVALID_VARIABLE_ADDRESS', `Non-string address argument in ${variable.text}`, 'A nested variable in an address must resolve to text.');
      }
      let value: unknown;
      try {
        value = await resolveSource({ params, address: address === undefined ? undefined : String(address) }, this.ctx);
      } catch (err) {
        if (err instanceof SourceNeedsAwsError) {
          needsAws = err;
          continue;
        }
        if (err instanceof VariableSourceError) {
          throw this.error(path, err.code, `Cannot resolve variable at "${formatConfigPath(path)}": ${err.message}`, err.hint);
        }
        throw err;
      }
      if (value !== null && value !== undefined) return value;
      needsAws = undefined;
    }
    if (needsAws) {
      throw this.error(path, needsAws.code, `Cannot resolve variable at "${formatConfigPath(path)}": ${needsAws.message}`, needsAws.hint);
    }
    throw this.error(
      path,
      'MISSING_VARIABLE_RESULT',
      `Cannot resolve variable at "${formatConfigPath(path)}": Value not found at "${lastType}" source`,
      `${variable.text} has no value; set it or add a fallback: \${${lastType}:…, 'default'}.`,
    );
  }

  private async evaluateParam(param: ParamExpr, path: ConfigPath): Promise<unknown> {
    if ('literal' in param) return param.literal;
    return this.evaluateTemplate(param.template, path);
  }

  private cycleError(path: ConfigPath): WsgateError {
    const key = path.join('\0');
    const start = this.inProgress.findIndex((p) => p.join('\0') === key);
    const chain = [...this.inProgress.slice(start), path].map((p) => formatConfigPath(p) || '(root)');
    const message =
      chain.length <= 2
        ? `Circular reference. "${chain[0]}" refers to itself`
        : `Circular reference among ${chain.slice(0, -1).map((c) => `"${c}"`).join(', ')}: ${chain.join(' → ')}`;
    return this.error(this.inProgress[start] ?? path, 'CIRCULAR_PROPERTY_DEPENDENCY', message, 'Break the loop: one of these values must not depend on the others.');
  }

  private wrapError(err: unknown, path: ConfigPath): WsgateError {
    return new WsgateError({
      code: 'VARIABLE_RESOLUTION_ERROR',
      message: `Cannot resolve variable at "${formatConfigPath(path)}": ${err instanceof Error ? err.message : String(err)}`,
      path: formatConfigPath(path),
      location: this.locate(path),
      hint: 'Check the variables of this value.',
      cause: err,
    });
  }

  private error(path: ConfigPath, code: string, message: string, hint?: string): WsgateError {
    return new WsgateError({
      code,
      message,
      path: formatConfigPath(path),
      location: this.locate(path),
      hint,
    });
  }
}
