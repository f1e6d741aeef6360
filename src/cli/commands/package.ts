import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadService } from '../../config/load.js';
import { WsgateError } from '../../errors.js';
import { packageService } from '../../package/package-service.js';

interface PackageOptions {
  config?: string;
  stage?: string;
  region?: string;
  package?: string;
}

export function registerPackageCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('package')
    .description('Compile the service into the CloudFormation templates and artifact Serverless v3 would deploy')
    .option('-c, --config <file>', 'configuration file (default: serverless.yml in the current folder)')
    .option('-s, --stage <stage>', 'stage (default: provider.stage or dev)')
    .option('-r, --region <region>', 'region (default: provider.region or us-east-1)')
    .option('-p, --package <dir>', 'output folder (default: .serverless in the service folder)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (options: PackageOptions, command: Command) => {
      setExitCode(await runPackage(options, parseFreeOptions(command.args)));
    });
}

/** `--name value`, `--name=value` and bare `--flag` after the known options, for `${opt:name}`. */
export function parseFreeOptions(args: readonly string[]): Record<string, string | boolean> {
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new WsgateError({
        code: 'CLI_UNEXPECTED_ARGUMENT',
        message: `Unexpected argument "${arg}"`,
        hint: 'Free options take the form --name value or --name=value.',
      });
    }
    const equals = arg.indexOf('=');
    if (equals > 0) options[arg.slice(2, equals)] = arg.slice(equals + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options[arg.slice(2)] = args[++i];
    else options[arg.slice(2)] = true;
  }
  return options;
}

async function runPackage(options: PackageOptions, freeOptions: Record<string, string | boolean>): Promise<number> {
  const cliOptions: Record<string, string | boolean> = { ...freeOptions };
  for (const [key, value] of Object.entries(options)) if (typeof value === 'string') cliOptions[key] = value;
  const { model, warnings } = await loadService({
    configFile: options.config,
    stage: options.stage,
    region: options.region,
    cliOptions,
  });
  for (const warning of warnings) process.stderr.write(`Warning: ${warning.message}\n`);
  const started = Date.now();
  // Like Serverless, --package is relative to the current folder (the library resolves from the service folder).
  const packaged = await packageService(model, { packageDir: options.package && resolve(options.package) });
  const shown = (path: string) => {
    const near = relative(process.cwd(), path);
    return near && !near.startsWith('..') ? near : path;
  };
  process.stdout.write(
    `Packaged ${model.service} for stage ${model.stage} (${model.region}) in ${Date.now() - started} ms\n` +
      packaged.files.map((file) => `  ${shown(file)}\n`).join(''),
  );
  return 0;
}
