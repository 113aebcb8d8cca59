// `async-migrate progress --history` and the SVG charts of `progress --write`, on a scripted
// temporary git repository (test/unit/dashboard/history-repo.ts).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { captureIO } from '../../../server/src/cli/io';
import { main } from '../../../server/src/cli/main';
import { HISTORY_STEPS, git, makeHistoryRepo } from './history-repo';

async function cli(cwd: string, ...args: string[]) {
  const io = captureIO(cwd, { PATH: process.env.PATH });
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('CLI: progress --history and the dashboard SVGs', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = makeHistoryRepo();
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('--history prints % async overall and per tier at each sampled commit, with the plan', async () => {
    const r = await cli(root, 'progress', '--history');
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^Endpoints async at 6 commits of 6 on this branch \(first parent\); the plan's clock starts 2026-01-12:$/);
    assert.match(lines[2], /^COMMIT\s+DATE\s+ALL\s+TIER 1\s+TIER 2\s+TIER 3\s+PLAN$/);
    const rows = lines.slice(4).map((l) => l.split(/\s{2,}/));
    assert.strictEqual(rows.length, HISTORY_STEPS.length);
    rows.forEach((row, i) => {
      assert.match(row[0], /^[0-9a-f]{7}$/);
      assert.strictEqual(row[2], `${HISTORY_STEPS[i].percent} % (${(HISTORY_STEPS[i].percent / 25).toFixed(0)}/4)`, `row ${i}: ${lines[4 + i]}`);
      assert.strictEqual(row[3].split(' ')[0], String(HISTORY_STEPS[i].tier1), `tier 1 at row ${i}`);
      assert.strictEqual(row[row.length - 1], HISTORY_STEPS[i].subject);
    });
    // The plan: week 3 after the start (2026-01-12) is 2026-02-02: 40 %; week 4: 60 %.
    assert.deepStrictEqual(rows.map((r) => r[6]), ['0 %', '0 %', '0 %', '0 %', '40 %', '60 %']);
  });

  it('--history --format json carries the samples', async () => {
    const r = await cli(root, 'progress', '--history', '--format', 'json');
    const json = JSON.parse(r.stdout) as { history: { samples: { subject: string; share: { percent: number } }[] } };
    assert.deepStrictEqual(json.history.samples.map((s) => s.share.percent), HISTORY_STEPS.map((s) => s.percent));
  });

  it('--history outside git says so and exits 0', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'am-history-cli-'));
    try {
      fs.cpSync(path.join(root, 'app'), path.join(plain, 'app'), { recursive: true });
      const r = await cli(plain, 'progress', '--history');
      assert.strictEqual(r.code, 0);
      assert.match(r.stdout, /^No history: not a git repository/);
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });

  it('--write writes burn-up, findings and latency SVGs next to progress.md; a second run leaves them byte-identical', async () => {
    const first = await cli(root, 'progress', '--write');
    assert.strictEqual(first.code, 0, first.stderr);
    for (const name of ['burn-up', 'findings', 'latency']) assert.match(first.stdout, new RegExp(`^written: docs/async-migration/${name}\\.svg$`, 'm'));
    const dir = path.join(root, 'docs/async-migration');
    const read = () => Object.fromEntries(['burn-up', 'findings', 'latency'].map((n) => [n, fs.readFileSync(path.join(dir, `${n}.svg`), 'utf8')]));
    const before = read();
    assert.match(before['burn-up'], /<title id="burn-up-title">Endpoints async over time<\/title>/);
    assert.match(before['burn-up'], /<desc id="burn-up-desc">4 of 4 endpoints async \(100 %\) at [0-9a-f]{7} 2026-02-09\./);
    assert.strictEqual((before['burn-up'].match(/<circle class="am-point"/g) ?? []).length, HISTORY_STEPS.length);
    const second = await cli(root, 'progress', '--write');
    for (const name of ['burn-up', 'findings', 'latency']) assert.match(second.stdout, new RegExp(`^unchanged: docs/async-migration/${name}\\.svg$`, 'm'));
    assert.deepStrictEqual(read(), before);
    // The cache lives in .git, so the only files in the working tree are progress.md and the charts.
    assert.deepStrictEqual(
      git(root, ['status', '--porcelain', '--untracked-files=all']).trim().split('\n').sort(),
      ['?? docs/async-migration/burn-up.svg', '?? docs/async-migration/findings.svg', '?? docs/async-migration/latency.svg', '?? docs/async-migration/progress.md'],
    );
  });
});
