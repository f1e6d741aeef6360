import type { Command } from 'commander';
import { loadService } from '../../config/load.js';
import { collectCliOptions } from '../free-options.js';

interface TablesOptions {
  config?: string;
  stage?: string;
  region?: string;
  raw?: boolean;
}

/** `wsgate tables [name]`: what the embedded DynamoDB endpoint holds. */
export function registerTablesCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('tables [name]')
    .description("List the service's DynamoDB tables with their item counts, or print one table's items (by table name or logical id)")
    .option('-c, --config <file>', 'configuration file (default: serverless.yml in the current folder)')
    .option('-s, --stage <stage>', 'stage (default: provider.stage or dev)')
    .option('-r, --region <region>', 'region (default: provider.region or us-east-1)')
    .option('--raw', 'print items as DynamoDB attribute values ({"S": "…"}) instead of plain JSON')
    .allowUnknownOption()
    .action(async (name: string | undefined, options: TablesOptions, command: Command) => {
      const { showTables } = await import('../../dynamodb/show-tables.js');
      const { model } = await loadService({ configFile: options.config, stage: options.stage, region: options.region, cliOptions: collectCliOptions(name === undefined ? command.args : command.args.slice(1), options) });
      await showTables(model, name, { raw: options.raw === true, print: (line) => process.stdout.write(`${line}\n`) });
      setExitCode(0);
    });
}
