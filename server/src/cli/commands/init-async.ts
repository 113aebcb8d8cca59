// async-migrate init-async [PATH]: "Set up async infrastructure" (PRODUCT.md §2) — adds the async
// engine, AsyncSessionLocal, get_async_db (and an async Redis dependency) next to the sync ones,
// as one edit; --diff prints it instead of writing.
import { applyInitAsync, planInitAsync } from '../../analysis/infrastructure/init-async';
import type { OptionSpec } from '../args';
import { unifiedDiff } from '../diff';
import type { CommandIO } from '../io';
import { hasBom, writableAs, writeFixed } from './fix';
import { openCommandWorkspace, parseCommandArgs } from './workflow-common';

export const INIT_ASYNC_OPTIONS: OptionSpec[] = [{ name: 'diff', type: 'boolean', help: 'print a unified diff of the edit instead of writing it (exit 1 when there are changes)' }];

const DESCRIPTION = `Set up async infrastructure, the first step of a migration: next to the sync session
plumbing (create_engine → sessionmaker → get_db) adds an async engine with the driver switched
(postgresql → asyncpg, sqlite → aiosqlite, mysql → aiomysql; a URL read from settings is switched
at run time), AsyncSessionLocal (expire_on_commit=False; works on SQLAlchemy 1.4 and 2.x) and
get_async_db; and, when a sync Redis client or get_redis exists, the redis.asyncio client and
get_async_redis. Nothing is added when an async dependency already exists. Files are written
atomically. PATH is the project (default: the current one).

Exit status: 0 set up (or already present), 1 nothing could be set up (the message says what was
looked for) or, with --diff, there are changes; 2 usage or configuration error.`;

export async function run(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(io, 'init-async', args, INIT_ASYNC_OPTIONS, 'async-migrate init-async [--diff] [PATH]', DESCRIPTION);
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length > 1) {
    io.err("async-migrate init-async: expected at most one PATH (the project)\nrun 'async-migrate init-async --help' for usage");
    return 2;
  }
  const ws = await openCommandWorkspace(io, 'init-async', parsed.positionals, () => 'fix the configuration above; nothing was changed');
  if (typeof ws === 'number') return ws;
  const diff = !!parsed.options.diff;
  const report = diff ? (t: string) => io.err(t) : (t: string) => io.out(t);
  const readText = (rel: string) => ws.project.texts.get(rel);
  const plan = planInitAsync(ws.project.index, ws.config, readText);
  const after = applyInitAsync(plan, readText);
  // Every file is checked before any is written: the edit lands whole or not at all.
  if (!diff) {
    for (const rel of after.keys()) {
      const writable = writableAs(ws, rel, readText(rel)!);
      if (!writable.ok) {
        report(`${ws.display(rel)}: ${writable.reason}; nothing was changed`);
        return 1;
      }
    }
  }
  for (const [rel, text] of after) {
    const before = readText(rel)!;
    if (diff) {
      const bom = hasBom(ws.absolute(rel)) ? '\uFEFF' : '';
      io.out(unifiedDiff(ws.display(rel), bom + before, bom + text).replace(/\n$/, ''));
      continue;
    }
    const written = writeFixed(ws, rel, before, text);
    if (!written.ok) {
      report(`${ws.display(rel)}: ${written.reason}`);
      return 1;
    }
  }
  for (const part of [plan.session, plan.redis]) if (part) report(part.message);
  for (const note of plan.notes) report(`  note: ${note}`);
  if (after.size) report(`${diff ? 'Would change' : 'Changed'} ${[...after.keys()].map((p) => ws.display(p)).join(', ')}.`);
  else report('Nothing changed.');
  if (diff) return after.size ? 1 : 0;
  return after.size || plan.session.status === 'present' ? 0 : 1;
}
