import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadService } from '../../config/load.js';
import { packageService } from '../../package/package-service.js';
import { collectCliOptions } from '../free-options.js';
import { locateError, locateIssue } from '../locate-issues.js';
import { WsgateError } from '../../errors.js';
import { findUncompiledEvents } from '../../package/uncompiled-events.js';
import { reportWarnings } from '../report-error.js';

interface PackageOptions {
  config?: string;
  stage?: string;
  region?: string;
  package?: string;
  websocketOnly?: boolean;
}

export function registerPackageCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('package')
    .description('Compile the service into the CloudFormation templates and artifact Serverless v3 would deploy')
    .option('-c, --config <file>', 'configuration file (default: serverless.yml in the current folder)')
    .option('-s, --stage <stage>', 'stage (default: provider.stage or dev)')
    .option('-r, --region <region>', 'region (default: provider.region or us-east-1)')
    .option('-p, --package <dir>', 'output folder (default: .serverless in the service folder)')
    .option('--websocket-only', 'package the websocket part alone, leaving out the events wsgate does not compile (http, httpApi, schedule, sqs, stream, …)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (options: PackageOptions, command: Command) => {
      setExitCode(await runPackage(options, collectCliOptions(command.args, options)));
    });
}

async function runPackage(options: PackageOptions, cliOptions: Record<string, string | boolean>): Promise<number> {
  const { model, warnings, config, sourceMap } = await loadService({
    configFile: options.config,
    stage: options.stage,
    region: options.region,
    cliOptions,
    variableMode: 'package',
  });
  reportWarnings(warnings);
  const uncompiled = findUncompiledEvents(config, model.configFile).map((issue) => locateIssue(issue, config, sourceMap));
  if (uncompiled.length > 0 && !options.websocketOnly) {
    const message =
      uncompiled.length === 1
        ? uncompiled[0]!.message
        : `${uncompiled.length} events are not compiled by wsgate; the template would deploy without them`;
    throw new WsgateError({ ...uncompiled[0]!, message, issues: uncompiled });
  }
  const started = Date.now();
  // Like Serverless, --package is relative to the current folder (the library resolves from the service folder).
  const packaged = await packageService(model, { packageDir: options.package && resolve(options.package) }).catch((err: unknown) => {
    throw locateError(err, config, sourceMap);
  });
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
