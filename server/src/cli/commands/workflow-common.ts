// Shared plumbing of the commands (check, fix and the workflow commands endpoints, progress,
// verify, duplicates): parse the options, open the project, build the endpoint inventory, report
// usage/config errors (exit 2).
import { formatProblem } from '../../analysis/config';
import type { RunOptions } from '../../analysis/engine';
import { buildInventory } from '../../analysis/endpoints/inventory';
import type { Endpoint, Inventory } from '../../analysis/endpoints/types';
import { RULES } from '../../analysis/rules/registry';
import { type ProgressRead, readProgress } from '../../project/progress-file';
import { type OptionSpec, type ParsedArgs, UsageError, helpText, parseArgs } from '../args';
import type { CommandIO } from '../io';
import { type CliWorkspace, ConfigError, type OpenOptions, openWorkspace, validateCodes } from '../target';

export interface CommandContext {
  ws: CliWorkspace;
  args: ParsedArgs;
}

export function failUsage(io: CommandIO, command: string, message: string): number {
  io.err(`async-migrate ${command}: ${message}\nrun 'async-migrate ${command} --help' for usage`);
  return 2;
}

/** Parses args and prints --help; returns an exit code when the command must stop. */
export function parseCommandArgs(io: CommandIO, command: string, argv: string[], specs: OptionSpec[], usage: string, description: string): ParsedArgs | number {
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
  return args;
}

/** `--select` / `--ignore` checked against the rule codes; an exit code on a usage error. */
export function ruleFilters(io: CommandIO, command: string, options: ParsedArgs['options']): Pick<RunOptions, 'select' | 'ignore'> | number {
  const codes = RULES.map((r) => r.code);
  try {
    return { select: validateCodes('--select', options.select as string[] | undefined, codes), ignore: validateCodes('--ignore', options.ignore as string[] | undefined, codes) };
  } catch (error) {
    if (error instanceof UsageError) return failUsage(io, command, error.message);
    throw error;
  }
}

/**
 * Opens the workspace of PATHS; returns an exit code (after printing the problems) when it
 * cannot. `configFailure` words the last line of a configuration error, given "one problem" /
 * "N problems".
 */
export async function openCommandWorkspace(
  io: CommandIO,
  command: string,
  positionals: string[],
  configFailure: (problems: string) => string = (problems) => `fix the configuration above (${problems})`,
  options: OpenOptions = {},
): Promise<CliWorkspace | number> {
  try {
    return await openWorkspace(io, positionals, options);
  } catch (error) {
    if (error instanceof UsageError) return failUsage(io, command, error.message);
    if (error instanceof ConfigError) {
      for (const p of error.problems) io.err(`error: ${formatProblem(p)}`);
      io.err(`async-migrate ${command}: ${configFailure(error.problems.length === 1 ? 'one problem' : `${error.problems.length} problems`)}`);
      return 2;
    }
    throw error;
  }
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
  const args = parseCommandArgs(io, command, argv, specs, usage, description);
  if (typeof args === 'number') return args;
  const ws = await openCommandWorkspace(io, command, args.positionals);
  return typeof ws === 'number' ? ws : { ws, args };
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

export { plural } from '../format/report';
