import type { Command } from 'commander';
import { WsgateError } from '../../errors.js';

export function registerConnectCommand(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('connect')
    .description('(not implemented yet)')
    .action(() => {
      throw new WsgateError({ code: 'CLI_NOT_IMPLEMENTED', message: 'wsgate connect is not implemented yet' });
    });
}
