// Shared plumbing of the workflow commands (endpoints, progress, verify, duplicates): open the
// project like `check` does, build the endpoint inventory, report usage/config errors (exit 2).
import { formatProblem } from '../../analysis/config';
import { buildInventory } from '../../analysis/endpoints/inventory';
import type { Endpoint, Inventory } from '../../analysis/endpoints/types';
import { type ProgressRead, readProgress } from '../../progress-file';
import { type OptionSpec, type ParsedArgs, UsageError, helpText, parseArgs } from '../args';
import type { CommandIO } from '../io';
import { type CliWorkspace, ConfigError, openWorkspace } from '../target';

export interface CommandContext {
  ws: CliWorkspace;
  args: ParsedArgs;
}

export function failUsage(io: CommandIO, command: string, message: string): number {
  io.err(`async-migrate ${command}: ${message}\nrun 'async-migrate ${command} --help' for usage`);
  return 2;
}

/** Parses args and opens the workspace; returns an exit code when the command must stop. */
export async function prepare(
  io: CommandIO,
  command: string,
  argv: string[],
  specs: OptionSpec[],
  usage: string,
  description: string,
): Promise<CommandContext | number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, specs);
  } catch (error) {
    if (error instanceof UsageError) return failUsage(io, command, error.message);
    throw error;
  }
  if (args.options.help) {
    io.out(helpText(usage, description, specs));
    return 0;
  }
  try {
    const ws = await openWorkspace(io, args.positionals);
    return { ws, args };
  } catch (error) {
    if (error instanceof UsageError) return failUsage(io, command, error.message);
    if (error instanceof ConfigError) {
      for (const p of error.problems) io.err(`error: ${formatProblem(p)}`);
      io.err(`async-migrate ${command}: fix the configuration above (${error.problems.length === 1 ? 'one problem' : `${error.problems.length} problems`})`);
      return 2;
    }
    throw error;
  }
}

export interface LoadedInventory {
  inventory: Inventory;
  progress: ProgressRead;
  /** Endpoints whose handler file is under the PATHS given (all when none). */
  selected: Endpoint[];
}

export function loadInventory(ctx: CommandContext): LoadedInventory {
  const { ws } = ctx;
  const progress = readProgress(ws.root);
  const inventory = buildInventory(ws.project.index, ws.config, { getText: (p) => ws.project.texts.get(p), state: progress.state });
  const targets = new Set(ws.targets);
  const selected = ctx.args.positionals.length ? inventory.endpoints.filter((e) => targets.has(e.path)) : inventory.endpoints;
  return { inventory, progress, selected };
}

/** Prints a fixed-width table (the last column is not padded). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}
