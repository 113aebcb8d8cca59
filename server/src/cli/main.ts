// `async-migrate` CLI entry: dispatches to one module per command.
import { run as check } from './commands/check';
import { run as duplicates } from './commands/duplicates';
import { run as endpoints } from './commands/endpoints';
import { run as fix } from './commands/fix';
import { run as initAsync } from './commands/init-async';
import { run as progress } from './commands/progress';
import { run as verify } from './commands/verify';
import { ProgressReadError } from '../project/progress-file';
import type { CommandIO } from './io';
import { consoleIO } from './io';

export const COMMANDS: Record<string, { summary: string; run: (args: string[], io: CommandIO) => Promise<number> }> = {
  'init-async': { summary: 'set up async infrastructure: async engine, AsyncSessionLocal, get_async_db (--diff)', run: initAsync },
  check: { summary: 'report findings', run: check },
  fix: { summary: 'apply safe fixes (--unsafe-fixes for all)', run: fix },
  endpoints: { summary: 'list FastAPI endpoints with tier and status', run: endpoints },
  progress: { summary: 'migration progress per tier and phase (--write updates progress.md)', run: progress },
  verify: { summary: 'the pre-merge check: legacy queries, sync sessions, utcnow, then tests', run: verify },
  duplicates: { summary: 'sync/async twin modules and remaining importers', run: duplicates },
};

export function usage(): string {
  const lines = ['usage: async-migrate <command> [options] [PATHS...]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(11)} ${c.summary}`);
  lines.push('', "run 'async-migrate <command> --help' for a command's options");
  return lines.join('\n');
}

export async function main(argv: string[], io: CommandIO = consoleIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.out(require('../../../package.json').version);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`async-migrate: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof ProgressReadError) {
      io.err(`async-migrate ${name}: ${error.message}`);
      return 2;
    }
    io.err(`async-migrate ${name}: internal error: ${(error as Error).stack ?? error}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
