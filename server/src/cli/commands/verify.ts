// async-migrate verify — NOT YET IMPLEMENTED (placeholder; being written).
import type { CommandIO } from '../io';

export async function run(_args: string[], io: CommandIO): Promise<number> {
  io.err('async-migrate verify: not implemented yet');
  return 2;
}
