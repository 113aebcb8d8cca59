// Issue "fixes that are proven correct", on the example app: migrate every Tier 1 endpoint with
// "Migrate this endpoint", fix the rest with `fix --unsafe-fixes`, then
//  - `check` leaves only findings without an automatic fix, each explained, and
//  - the example app's own pytest suite (FastAPI TestClient, async engine) still passes.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from './cli/workspace';
import { havePython, PYTHON, skipOrFailInCi } from './helpers';

const APP = path.resolve(__dirname, '../../examples/gym-app');

/** `@pytest.mark.xfail` markers in the test files under dir. */
function countXfailMarkers(dir: string): number {
  let n = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/^test_.*\.py$/.test(entry.name)) continue;
    n += (fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8').match(/^@pytest\.mark\.xfail\b/gm) ?? []).length;
  }
  return n;
}

/** Counts of pytest's closing summary ("49 passed, 12 xfailed in 30.81s"). */
export function pytestSummary(output: string): Record<string, number> {
  const line = output.split('\n').filter((l) => / in [\d.]+s\b/.test(l) && /\d+ (passed|failed|xfailed|xpassed|errors?|skipped)/.test(l)).pop() ?? '';
  const counts: Record<string, number> = {};
  for (const m of line.matchAll(/(\d+) (passed|failed|xfailed|xpassed|errors?|skipped)/g)) counts[m[2]] = Number(m[1]);
  return counts;
}

describe('examples/gym-app migrated end to end', function () {
  this.timeout(300000);
  let dir = '';

  before(function () {
    if (!havePython(['sqlalchemy', 'fastapi', 'aiosqlite', 'httpx', 'pytest'])) skipOrFailInCi(this, `${PYTHON} lacks sqlalchemy/fastapi/aiosqlite/httpx/pytest (run scripts/setup.sh)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-gym-'));
    execFileSync('cp', ['-r', APP + '/.', dir]);
    for (const junk of ['.pytest_cache', 'gym.db']) fs.rmSync(path.join(dir, junk), { recursive: true, force: true });
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrates every Tier 1 endpoint, fixes the rest, and leaves only explained findings without a fix', async () => {
    const inventory = await cli(dir, ['endpoints', '--format', 'json', '.']);
    assert.strictEqual(inventory.code, 0, inventory.stderr);
    const endpoints = JSON.parse(inventory.stdout) as { method: string; route: string; tier: number; async: boolean; path: string; function: string }[];
    const tier1 = endpoints.filter((e) => e.tier === 1 && !e.async);
    assert.ok(tier1.length >= 5, `expected several sync Tier 1 endpoints, got ${tier1.length}`);
    for (const endpoint of tier1) {
      const result = await cli(dir, ['fix', '--endpoint', `${endpoint.method} ${endpoint.route}`, '.', '--exit-zero']);
      assert.strictEqual(result.code, 0, `${endpoint.method} ${endpoint.route}: ${result.stderr}${result.stdout}`);
    }
    const after = JSON.parse((await cli(dir, ['endpoints', '--format', 'json', '.'])).stdout) as typeof endpoints;
    const stillSync = after.filter((e) => e.tier === 1 && !e.async).map((e) => `${e.method} ${e.route}`);
    assert.deepStrictEqual(stillSync, [], 'every Tier 1 endpoint is async after "Migrate this endpoint"');

    const fixed = await cli(dir, ['fix', '--unsafe-fixes', '.', '--exit-zero']);
    assert.strictEqual(fixed.code, 0, fixed.stderr);
    const check = await cli(dir, ['check', '--format', 'json', '--ci', '.']);
    const remaining = JSON.parse(check.stdout) as { path: string; line: number; code: string; message: string; fixable: boolean }[];
    const fixableLeft = remaining.filter((f) => f.fixable).map((f) => `${f.path}:${f.line} ${f.code} ${f.message}`);
    assert.deepStrictEqual(fixableLeft, [], 'after fix --unsafe-fixes no fixable finding is left');
    for (const f of remaining) assert.ok(f.message.length > 20, `${f.code} at ${f.path}:${f.line} explains itself`);
    // Every file still compiles.
    const compiled = spawnSync(PYTHON, ['-m', 'compileall', '-q', 'app'], { cwd: dir, encoding: 'utf8' });
    // The planted AM205 worker module only compiles once fixed; everything must compile now.
    assert.strictEqual(compiled.status, 0, compiled.stdout + compiled.stderr);
  });

  it("the example app's own pytest suite passes on the migrated code, its planted-bug xfails included", () => {
    // Each planted bug has a non-strict xfail test: on the unmigrated app they fail (xfailed),
    // so exit 0 alone proves nothing. Migrated, every one of them must pass (xpassed).
    const planted = countXfailMarkers(path.join(dir, 'tests'));
    assert.ok(planted >= 10, `${planted} xfail markers in the example app's tests`);
    const run = spawnSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-rxX'], { cwd: dir, encoding: 'utf8', timeout: 240000 });
    const tail = (run.stdout + run.stderr).split('\n').slice(-40).join('\n');
    assert.strictEqual(run.status, 0, tail);
    const summary = pytestSummary(run.stdout);
    assert.deepStrictEqual({ xfailed: summary.xfailed ?? 0, xpassed: summary.xpassed ?? 0, failed: summary.failed ?? 0 }, { xfailed: 0, xpassed: planted, failed: 0 }, tail);
    assert.ok((summary.passed ?? 0) >= 40, tail);
  });
});
