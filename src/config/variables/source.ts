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
  /** `dev` (and `print`): AWS-only sources give local values; `package`: deploy-time ones become CloudFormation intrinsics. */
  readonly mode: VariableMode;
  /** Values of AWS-only variables given with `--var 'ssm:/a/b=value'`, keyed by the variable's text (`ssm:/a/b`). */
  readonly localVariables: Readonly<Record<string, string>>;
  /** Where `wsgate dev` listens, for `${cf:<own stack>.ServiceEndpointWebsocket}`. */
  readonly gatewayEndpoint: GatewayEndpoint;
  /** The keys of the object at a path, resolving the path but none of the values under it (undefined if not an object). */
  resolveConfigKeys(path: ConfigPath): Promise<string[] | undefined>;
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

export type VariableMode = 'dev' | 'package';

export interface GatewayEndpoint {
  /** The host clients and handlers reach the gateway on (127.0.0.1 for 0.0.0.0). */
  readonly host: string;
  /** 0 means "chosen when listening": the URL is not known while the configuration loads. */
  readonly port: number;
}

/**
 * A value only CloudFormation knows (`{ Ref: AWS::AccountId }`), returned in `package` mode. A variable that
 * is the whole value becomes the intrinsic; one inside longer text makes the text an `Fn::Join`.
 */
export class DeployTimeValue {
  constructor(readonly intrinsic: Readonly<Record<string, unknown>>) {}
}
