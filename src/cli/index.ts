import { Command, CommanderError } from 'commander';
import { registerPrintCommand } from './commands/print.js';
import { registerPackageCommand } from './commands/package.js';
import { registerDevCommand } from './commands/dev.js';
import { registerConnectCommand } from './commands/connect.js';
import { registerTablesCommand } from './commands/tables.js';
import { reportError } from './report-error.js';
import { readPackageVersion } from './version.js';

/** Runs the CLI; resolves with the exit code. The only place that prints errors and decides exit codes. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('wsgate')
    .description("Run and package the Serverless Framework's AWS websocket event")
    .version(readPackageVersion(), '-v, --version')
    .exitOverride()
    .showHelpAfterError();

  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  registerPrintCommand(program, setExitCode);
  registerPackageCommand(program, setExitCode);
  registerDevCommand(program, setExitCode);
  registerConnectCommand(program, setExitCode);
  registerTablesCommand(program, setExitCode);

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    return reportError(err);
  }
}
