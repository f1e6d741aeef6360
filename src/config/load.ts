import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WsgateError } from '../errors.js';
import type { LoadedService, LoadServiceOptions } from './load-options.js';
import { assertSupportedConfigFile, findConfigFile, isScriptConfigFile } from './find-config-file.js';
import { loadScriptConfig } from './script/load-script-config.js';
import { parseDocument, type ParsedDocument } from './parse-document.js';
import { normalizeService } from './normalize.js';
import { isRecord } from './is-record.js';
import { validateConfig } from './validate.js';
import { STAGE_PATTERN } from './schema.js';
import { resolveVariables } from './variables/resolve.js';
import { chooseRegion, chooseStage } from './stage-and-region.js';
import { dotenvEnvironment } from './dotenv-environment.js';
import { parseVarOptions } from './variables/parse-var-options.js';

/**
 * Loads a service: finds and parses the configuration, resolves its variables, validates it (every
 * issue at once) and returns the normalized ServiceModel with the resolved configuration.
 */
export async function loadService(options: LoadServiceOptions = {}): Promise<LoadedService> {
  const serviceDir = path.resolve(options.serviceDir ?? process.cwd());
  const configFile = findConfigFile(serviceDir, options.configFile);
  assertSupportedConfigFile(configFile);
  const { value, sourceMap, inputs } = await readConfigFile(configFile);
  if (!isRecord(value)) {
    throw new WsgateError({
      code: 'CONFIG_NOT_AN_OBJECT',
      message: `${path.basename(configFile)} must contain an object with service, provider and functions`,
      location: { file: configFile, line: 1, column: 1 },
      hint: 'Start the file with `service: my-service` and `provider: { name: aws }`.',
    });
  }
  const config = value;
  const cliOptions: Record<string, string | boolean> = { ...options.cliOptions };
  if (options.stage !== undefined) cliOptions.stage = options.stage;
  if (options.region !== undefined) cliOptions.region = options.region;
  const configDir = path.dirname(configFile);
  const env = options.env ?? process.env;
  const resolvedSourceMap = await resolveVariables(config, {
    serviceDir: configDir,
    sourceMap,
    options: cliOptions,
    env,
    mode: options.variableMode,
    localVariables: parseVarOptions(cliOptions.var),
    gatewayEndpoint: options.gatewayEndpoint,
    prepareEnv: (early) => dotenvEnvironment(early, configDir, env, sourceMap),
  });
  const provider = isRecord(config.provider) ? config.provider : {};
  const stage = chooseStage(cliOptions, provider.stage);
  const region = chooseRegion(cliOptions, provider.region);
  const warnings = validateConfig(config, resolvedSourceMap);
  // provider.stage passed the schema; a stage given as an option must meet the same rule.
  if (!new RegExp(STAGE_PATTERN).test(stage)) {
    throw new WsgateError({
      code: 'CLI_INVALID_OPTION',
      message: `--stage must be a stage name (letters, digits and -), got "${stage}"`,
      path: '--stage',
      hint: 'The stage is a segment of the WebSocket URL, of @connections paths and of resource names.',
    });
  }
  const model = normalizeService(config, { configFile, stage, region });
  return { model, config, warnings, sourceMap: resolvedSourceMap, configInputs: inputs };
}

async function readConfigFile(configFile: string): Promise<ParsedDocument & { inputs: string[] }> {
  if (isScriptConfigFile(configFile)) return loadScriptConfig(configFile);
  const text = await readFile(configFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new WsgateError({
      code: 'CONFIG_FILE_NOT_READABLE',
      message: `Cannot read ${configFile}: ${err.code ?? err.message}`,
      location: { file: configFile },
      hint: 'Check the permissions of the configuration file.',
      cause: err,
    });
  });
  return { ...parseDocument(text, configFile), inputs: [configFile] };
}
