import type { ConfigPath } from '../config-path.js';
import type { SourceMap } from '../parse-document.js';

/** What a variable source may read while resolving. */
export interface VariableSourceContext {
  readonly serviceDir: string;
  /** Every CLI option (`--stage`, `--region`, free `--key value`). */
  readonly options: Readonly<Record<string, string | boolean>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly instanceId: string;
  /** Resolves a path of the configuration being loaded (what `${self:…}` reads). */
  resolveConfigValue(path: ConfigPath): Promise<unknown>;
  /** `--stage`, else provider.stage, else `dev`. */
  resolveStage(): Promise<string>;
  /** `--region`, else provider.region, else `us-east-1`. */
  resolveRegion(): Promise<string>;
  /** Tells the resolver that the value being resolved comes from another file, for error locations. */
  registerInclude(sourceMap: SourceMap, address: readonly string[]): void;
}

export interface VariableSourceInput {
  readonly params: readonly unknown[];
  readonly address: string | undefined;
}

/** Resolves to the value, or to null/undefined when there is none (the next fallback is then used). */
export type VariableSource = (input: VariableSourceInput, ctx: VariableSourceContext) => unknown;

/** A failure of the source itself (not "no value"), reported with its own code. */
export class VariableSourceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Thrown by sources that need AWS: treated as "no value" when a fallback follows, else reported. */
export class SourceNeedsAwsError extends VariableSourceError {}
