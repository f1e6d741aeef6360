import type { Command } from 'commander';
import { WsgateError } from '../../errors.js';

export function registerPackageCommand(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('package')
    .description('(not implemented yet)')
    .action(() => {
      throw new WsgateError({ code: 'CLI_NOT_IMPLEMENTED', message: 'wsgate package is not implemented yet' });
    });
}
