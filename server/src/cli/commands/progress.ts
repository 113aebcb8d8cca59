// async-migrate progress: migration progress per tier and phase, remaining findings by rule;
// --write updates docs/async-migration/progress.md (tables + tool-owned state block, the rest of
// the file kept byte for byte).
import * as path from 'path';
import { burnupTable } from '../../analysis/dashboard/charts';
import { buildDashboard } from '../../analysis/dashboard/model';
import { formatHours, headline, summarizeProgress } from '../../analysis/progress/render';
import { twinPairs } from '../../analysis/twins';
import { type ChartFile, DASHBOARD_DIR, writeDashboardSvgs } from '../../project/dashboard-files';
import { computeHistory } from '../../project/git-history';
import { PROGRESS_FILE, ProgressParseError, readProgress, writeProgress } from '../../project/progress-file';
import type { OptionSpec } from '../args';
import type { CommandIO } from '../io';
import { configTexts, excludedSummaries } from './duplicates';
import { loadInventory, plural, prepare, table } from './workflow-common';

export const PROGRESS_OPTIONS: OptionSpec[] = [
  { name: 'format', type: 'string', metavar: 'text|json', choices: ['text', 'json'], help: 'output format (default: text)' },
  { name: 'write', type: 'boolean', help: `update ${PROGRESS_FILE} (created when missing) and print its path` },
  { name: 'repair', type: 'boolean', help: 'with --write: rewrite a corrupt state block (after a backup); both sides of merge conflict markers are merged' },
  { name: 'history', type: 'boolean', help: 'print the share of async endpoints per tier at up to 30 commits of the branch (first parent), read from git without a checkout' },
];

const DESCRIPTION = `Prints how far the migration is: endpoints async per tier and per phase of the plan, how
many are migrated and verified, the estimated remaining effort, and the open findings by rule in
the endpoints and the code they call.

--write updates ${PROGRESS_FILE}: the generated tables and the tool's
state block are rewritten, everything else in the file is kept as written; the dashboard's charts
are written next to it (${DASHBOARD_DIR}/burn-up.svg, findings.svg, latency.svg; the
same input gives the same bytes). A corrupt state block
(invalid JSON, merge conflict markers) stops the write with the line of the problem; the file is
first copied to progress.md.bak-<timestamp>. --repair then rewrites it.

Exit status: 0; 2 on a usage or configuration error or a progress file that cannot be written.`;

const pct = (n: number, p: number) => `${n} (${p} %)`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const ctx = await prepare(io, 'progress', argv, PROGRESS_OPTIONS, 'async-migrate progress [options] [PROJECT_DIR]', DESCRIPTION);
  if (typeof ctx === 'number') return ctx;
  const o = ctx.args.options;
  const { ws } = ctx;
  const { inventory, progress } = loadInventory(ctx);
  let status = 0;
  let written: Awaited<ReturnType<typeof writeProgress>> | undefined;
  let writeError: string | undefined;
  if (o.write) {
    try {
      written = await writeProgress(ws.root, inventory, { repair: !!o.repair });
    } catch (error) {
      if (!(error instanceof ProgressParseError)) throw error;
      writeError = `${error.message}${error.backupPath ? `\n  a copy of the file was saved as ${path.relative(io.cwd, error.backupPath)}` : ''}\n  nothing was written; fix the block by hand or run 'async-migrate progress --write --repair'`;
      status = 2;
    }
  }
  // The burn-up needs the branch's history (cached per commit under the git directory).
  const wantHistory = !!o.history || (!!written && !writeError);
  const history = wantHistory
    ? await computeHistory(ws.root, { onProgress: io.progress ? (done, total, c) => io.progress!(`analysing commit ${done}/${total} ${c.commit.slice(0, 7)} ${c.date.slice(0, 10)}`) : undefined })
    : undefined;
  io.progress?.('');
  let charts: ChartFile[] = [];
  if (written && !writeError) {
    const model = buildDashboard({ inventory, state: readProgress(ws.root).state, twins: twinPairs(ws.project.index, excludedSummaries(ws), configTexts(ws.root)), history });
    charts = writeDashboardSvgs(ws.root, model);
  }
  // Numbers from the state as it is now on disk (re-read after a write: another writer may have
  // changed it in between).
  const summary = summarizeProgress(inventory, written ? readProgress(ws.root).state : progress.state);

  if (o.format === 'json') {
    io.out(
      JSON.stringify(
        {
          totals: summary.totals,
          tiers: summary.tiers,
          phases: summary.phases,
          findingsByRule: summary.findingsByRule,
          ...(history && o.history ? { history } : {}),
          progressFile: {
            path: ws.display(PROGRESS_FILE),
            exists: progress.exists || !!written,
            written: !!written?.changed,
            error: writeError ?? progress.error?.message ?? null,
            orphaned: written?.orphans.orphaned ?? [],
            restored: written?.orphans.restored ?? [],
          },
        },
        null,
        2,
      ),
    );
  } else if (o.history && history) {
    const t = burnupTable(history);
    if (history.note) io.out(`No history: ${history.note}`);
    else {
      io.out(`Endpoints async at ${plural(history.samples.length, 'commit')} of ${history.commits} on this branch (first parent)${history.start ? `; the plan's clock starts ${history.start.slice(0, 10)}` : ''}:`);
      io.out('');
      io.out(table(t.headers.map((h) => h.toUpperCase()), t.rows.map((r, i) => [...r.slice(0, -1), `${r[r.length - 1]}  ${history.samples[i].subject}`])));
    }
  } else {
    const t = summary.totals;
    io.out(`${headline(t)} · ${t.verified} verified · ${t.migrated} migrated · ${t.inProgress} in progress · ${t.sync} sync`);
    io.out('');
    io.out(
      table(
        ['TIER', 'ENDPOINTS', 'ASYNC', 'MIGRATED+VERIFIED', 'VERIFIED', 'IN PROGRESS', 'SYNC'],
        summary.tiers.map((x) => [x.label, String(x.total), pct(x.async, x.percentAsync), pct(x.migrated + x.verified, x.percentDone), String(x.verified), String(x.inProgress), String(x.sync)]),
      ),
    );
    io.out('');
    io.out(
      table(
        ['PHASE', 'ENDPOINTS', 'ASYNC', 'MIGRATED+VERIFIED', 'REMAINING EFFORT', 'GOAL'],
        summary.phases.filter((p) => p.total).map((p) => [`${p.number}. ${p.title}`, String(p.total), pct(p.async, p.percentAsync), pct(p.migrated + p.verified, p.percentDone), formatHours(p.remainingEffortHours), p.goal]),
      ),
    );
    io.out('');
    if (summary.findingsByRule.length) {
      const total = summary.findingsByRule.reduce((a, r) => a + r.count, 0);
      io.out(`Remaining findings in endpoints and the code they call: ${total}`);
      io.out(table(['CODE', 'RULE', 'COUNT'], summary.findingsByRule.map((r) => [r.code, r.rule, String(r.count)])));
    } else io.out('No open findings in endpoints and the code they call.');
  }
  if (progress.error && !o.write) io.err(`warning: ${progress.error.message} (verified statuses cannot be read; run 'async-migrate progress --write' for details)`);
  if (writeError) io.err(`error: ${writeError}`);
  if (written) {
    const shown = ws.display(PROGRESS_FILE);
    if (written.repaired) {
      io.err(`repaired ${shown}: ${written.repaired.problem}`);
      io.err(`  the old file was saved as ${path.relative(io.cwd, written.repaired.backupPath)}; ${written.repaired.recovered ? 'both sides of the conflict were merged' : 'the state could not be recovered and starts empty (copy entries back from the backup)'}`);
    }
    for (const w of written.warnings) io.err(`note: ${w}`);
    if (written.orphans.orphaned.length) io.err(`kept the state of ${plural(written.orphans.orphaned.length, 'endpoint')} no longer in the code under "orphaned": ${written.orphans.orphaned.join(', ')}`);
    if (written.orphans.restored.length) io.err(`re-attached the state of ${plural(written.orphans.restored.length, 'endpoint')}: ${written.orphans.restored.join(', ')}`);
    io.out(`${written.created ? 'created' : written.changed ? 'updated' : 'unchanged'}: ${shown}`);
    for (const c of charts) io.out(`${c.changed ? 'written' : 'unchanged'}: ${ws.display(c.path)}`);
  }
  return status;
}
