import { randomUUID } from 'node:crypto';
import { WsgateError, type ErrorDetail } from '../../errors.js';
import { formatConfigPath, type ConfigPath, type PathSegment } from '../config-path.js';
import { isRecord } from '../is-record.js';
import type { SourceMap } from '../parse-document.js';
import { chooseRegion, chooseStage } from '../stage-and-region.js';
import { noteMissingNames, type EarlyValues } from './early-values.js';
import { evaluateTemplate, type TemplateEvaluation } from './evaluate-template.js';
import { IncludeLocations } from './include-locations.js';
import { isWholeVariable, parseTemplate, VariableSyntaxError, type Template } from './parse.js';
import { circularReferenceError, unexpectedVariableError, variableError } from './resolution-errors.js';
import { DeployTimeValue, type GatewayEndpoint, type VariableMode, type VariableSourceContext } from './source.js';
import { createVariableSources } from './sources/index.js';

export type { EarlyValues } from './early-values.js';

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
  private readonly ctx: VariableSourceContext;
  private readonly evaluation: TemplateEvaluation;
  private readonly includes: IncludeLocations;
  private pendingInclude: { sourceMap: SourceMap; address: readonly string[] } | undefined;
  private env: Readonly<Record<string, string | undefined>>;
  readonly sourceMap: SourceMap;

  constructor(
    config: Record<string, unknown>,
    private readonly opts: ResolveVariablesOptions,
  ) {
    this.holder = { root: config };
    this.includes = new IncludeLocations(opts.sourceMap);
    this.sourceMap = {
      file: opts.sourceMap.file,
      locate: (path) => this.includes.locate(path),
    };
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
    this.evaluation = { sources: createVariableSources(), ctx: this.ctx, fail: (...args) => this.error(...args) };
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
    const { env, missing: missingEnv } = noteMissingNames(base);
    this.env = env;
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
    if (this.inProgressKeys.has(pathKey)) throw circularReferenceError(this.sourceMap.locate, this.inProgress, path);

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
        result = await evaluateTemplate(template, path, this.evaluation);
        if (result instanceof DeployTimeValue) {
          result = structuredClone(result.intrinsic);
          break;
        }
        if (!isWholeVariable(template)) break; // text built from several sources is not parsed again
        const include = this.takePendingInclude();
        if (include && (isRecord(result) || Array.isArray(result))) this.includes.add(path, include);
      }
      container[key as string] = result;
      this.done.add(pathKey);
      return result;
    } catch (err) {
      const error = err instanceof WsgateError ? err : unexpectedVariableError(this.sourceMap.locate, err, path);
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

  private error(path: ConfigPath, code: string, message: string, hint?: string): WsgateError {
    return variableError(this.sourceMap.locate, path, code, message, hint);
  }
}
