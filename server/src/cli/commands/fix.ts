// async-migrate fix — NOT YET IMPLEMENTED (placeholder; being written).
import type { CommandIO } from '../io';

export async function run(_args: string[], io: CommandIO): Promise<number> {
  io.err('async-migrate fix: not implemented yet');
  return 2;
}
