import type { ErrorDetail } from '../errors.js';
import type { ServiceModel } from './model.js';
import type { SourceMap } from './parse-document.js';
import type { GatewayEndpoint, VariableMode } from './variables/source.js';

export interface LoadServiceOptions {
  /** Folder to look for serverless.yml/.yaml/.json/.js/.mjs/.cjs/.ts in (that order). Default: process.cwd(). */
  serviceDir?: string;
  /** A configuration file to load instead (relative to serviceDir or absolute). */
  configFile?: string;
  /** `--stage`; default `provider.stage` or `dev`. */
  stage?: string;
  /** `--region`; default `provider.region` or `us-east-1`. */
  region?: string;
  /** Every CLI option, for `${opt:…}` (`stage` and `region` included). */
  cliOptions?: Readonly<Record<string, string | boolean>>;
  /** Environment for `${env:…}`. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * How AWS-only variables resolve: `dev` (default; also `print`) with local values, `package` with
   * CloudFormation intrinsics where the value is only known at deploy time (`${aws:accountId}`).
   */
  variableMode?: VariableMode;
  /**
   * Where the gateway will listen, for `${cf:<own stack>.ServiceEndpointWebsocket}`. Default 127.0.0.1:3001 (the
   * CLI's default); port 0 cannot be known before listening, so that variable then needs a local value.
   */
  gatewayEndpoint?: GatewayEndpoint;
}

export interface LoadedService {
  model: ServiceModel;
  /** The configuration with every variable resolved (what `wsgate print` shows). */
  config: Record<string, unknown>;
  /** Non-fatal findings: other event types, unknown plugins, deprecations. */
  warnings: ErrorDetail[];
  /** Where each value sits in the configuration file, for errors the back ends raise with a config path. */
  sourceMap: SourceMap;
  /** The files the configuration was read from: the config file, and for serverless.ts/.js what it imports. */
  configInputs: string[];
}
