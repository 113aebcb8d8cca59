// async-migrate endpoints — NOT YET IMPLEMENTED (placeholder; being written).
import type { CommandIO } from '../io';

export async function run(_args: string[], io: CommandIO): Promise<number> {
  io.err('async-migrate endpoints: not implemented yet');
  return 2;
}
