// A small command-line parser shared by the CLI commands: long options (`--name value`,
// `--name=value`), short aliases, boolean flags, comma-separated repeatable lists, `--`.
// Errors are UsageError (exit code 2), never a crash.

export type OptionType = 'boolean' | 'string' | 'list';

export interface OptionSpec {
  /** Long name without dashes, e.g. "select" or "no-summary". */
  name: string;
  short?: string;
  type: OptionType;
  /** Placeholder shown in help, e.g. "CODES". */
  metavar?: string;
  help: string;
  /** Allowed values for string options. */
  choices?: readonly string[];
}

export interface ParsedArgs {
  /** boolean options: true when given; string: the last value; list: all values, split on commas. */
  options: Record<string, boolean | string | string[] | undefined>;
  positionals: string[];
}

export class UsageError extends Error {}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: 'show this help and exit' };

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const all = specs.some((s) => s.name === 'help') ? specs : [...specs, HELP_OPTION];
  const byLong = new Map(all.map((s) => [s.name, s]));
  const byShort = new Map(all.filter((s) => s.short).map((s) => [s.short!, s]));
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const set = (spec: OptionSpec, value: string | undefined, flag: string) => {
    if (spec.type === 'boolean') {
      if (value !== undefined) throw new UsageError(`option ${flag} does not take a value`);
      options[spec.name] = true;
      return;
    }
    if (value === undefined) throw new UsageError(`option ${flag} needs a value${spec.metavar ? ` (${spec.metavar})` : ''}`);
    if (spec.type === 'string') {
      if (spec.choices && !spec.choices.includes(value)) throw new UsageError(`invalid value for ${flag}: "${value}" (choose from ${spec.choices.join(', ')})`);
      options[spec.name] = value;
    } else {
      const list = (options[spec.name] as string[] | undefined) ?? [];
      list.push(...value.split(',').map((v) => v.trim()).filter(Boolean));
      options[spec.name] = list;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown option --${name}${suggest(name, [...byLong.keys()])}`);
      let value = eq === -1 ? undefined : arg.slice(eq + 1);
      if (value === undefined && spec.type !== 'boolean') {
        if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value${spec.metavar ? ` (${spec.metavar})` : ''}`);
        value = argv[++i];
      }
      set(spec, value, `--${name}`);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const spec = byShort.get(arg.slice(1, 2));
      if (!spec) throw new UsageError(`unknown option ${arg}`);
      let value: string | undefined = arg.length > 2 ? arg.slice(2) : undefined;
      if (value === undefined && spec.type !== 'boolean') {
        if (i + 1 >= argv.length) throw new UsageError(`option -${spec.short} needs a value`);
        value = argv[++i];
      }
      set(spec, value, `-${spec.short}`);
    } else positionals.push(arg);
  }
  return { options, positionals };
}

function suggest(name: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean --${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The `--help` text of a command. */
export function helpText(usage: string, description: string, specs: readonly OptionSpec[], epilog?: string): string {
  const all = specs.some((s) => s.name === 'help') ? specs : [...specs, HELP_OPTION];
  const labels = all.map((s) => {
    const long = `--${s.name}${s.type === 'boolean' ? '' : ` ${s.metavar ?? (s.choices ? s.choices.join('|') : 'VALUE')}`}`;
    return s.short ? `-${s.short}, ${long}` : `    ${long}`;
  });
  const width = Math.min(34, Math.max(...labels.map((l) => l.length)) + 2);
  const lines = [`usage: ${usage}`, '', description, '', 'options:'];
  all.forEach((s, i) => {
    const label = labels[i];
    if (label.length + 2 > width) lines.push(`  ${label}`, `  ${' '.repeat(width)}${s.help}`);
    else lines.push(`  ${label.padEnd(width)}${s.help}`);
  });
  if (epilog) lines.push('', epilog);
  return lines.join('\n');
}
