import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadService } from '../../config/load.js';
import { parseAddress } from '../../config/config-path.js';
import { WsgateError } from '../../errors.js';
import { collectCliOptions } from '../free-options.js';
import { reportWarnings } from '../report-error.js';

interface PrintOptions {
  config?: string;
  stage?: string;
  region?: string;
  format: string;
  path?: string;
}

/** `wsgate print`: the configuration with every variable resolved, like `serverless print`. */
export function registerPrintCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('print')
    .description('Print the configuration with every variable resolved (like serverless print)')
    .option('-c, --config <file>', 'configuration file (default: serverless.yml/.yaml/.json in the current folder)')
    .option('-s, --stage <stage>', 'stage (default: provider.stage or dev)')
    .option('-r, --region <region>', 'region (default: provider.region or us-east-1)')
    .option('--format <format>', 'yaml or json', 'yaml')
    .option('--path <path>', 'print only the value at this path, e.g. provider.stage')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', "\nAny other --name value option is available to ${opt:name}.\n--var 'ssm:/app/key=value' (repeatable) gives an AWS-only variable its local value (docs/configuration.md).")
    .action(async (options: PrintOptions, command: Command) => {
      if (options.format !== 'yaml' && options.format !== 'json') {
        throw new WsgateError({
          code: 'CLI_INVALID_OPTION',
          message: `--format must be yaml or json, got "${options.format}"`,
          hint: 'Use --format yaml (the default) or --format json.',
        });
      }
      const cliOptions = collectCliOptions(command.args, options);
      const { config, warnings } = await loadService({
        configFile: options.config,
        stage: options.stage,
        region: options.region,
        cliOptions,
      });
      reportWarnings(warnings);
      const value = options.path === undefined ? config : readPath(config, options.path);
      process.stdout.write(formatValue(value, options.format));
      setExitCode(0);
    });
}

function readPath(config: unknown, path: string): unknown {
  let node: unknown = config;
  for (const key of parseAddress(path)) {
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new WsgateError({
        code: 'CLI_PATH_NOT_FOUND',
        message: `Path "${path}" not found in the configuration`,
        path,
        hint: 'Give a dotted path of the resolved configuration, e.g. provider.stage.',
      });
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function formatValue(value: unknown, format: string): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  if (value !== null && typeof value === 'object') return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return `${String(value)}\n`;
}
