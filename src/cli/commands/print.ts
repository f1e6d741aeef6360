import type { Command } from 'commander';
import { WsgateError } from '../../errors.js';

export function registerPrintCommand(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('print')
    .description('(not implemented yet)')
    .action(() => {
      throw new WsgateError({ code: 'CLI_NOT_IMPLEMENTED', message: 'wsgate print is not implemented yet' });
    });
}
