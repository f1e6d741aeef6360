import type { Command } from 'commander';
import { WsgateError } from '../../errors.js';

export function registerDevCommand(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('dev')
    .description('(not implemented yet)')
    .action(() => {
      throw new WsgateError({ code: 'CLI_NOT_IMPLEMENTED', message: 'wsgate dev is not implemented yet' });
    });
}
