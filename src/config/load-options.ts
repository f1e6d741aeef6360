import type { ErrorDetail } from '../errors.js';
import type { ServiceModel } from './model.js';
import type { SourceMap } from './parse-document.js';

export interface LoadServiceOptions {
  /** Folder to look for serverless.yml / serverless.yaml / serverless.json in. Default: process.cwd(). */
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
}

export interface LoadedService {
  model: ServiceModel;
  /** The configuration with every variable resolved (what `wsgate print` shows). */
  config: Record<string, unknown>;
  /** Non-fatal findings: other event types, unknown plugins, deprecations. */
  warnings: ErrorDetail[];
  /** Where each value sits in the configuration file, for errors the back ends raise with a config path. */
  sourceMap: SourceMap;
}
