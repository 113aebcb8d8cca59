// In a file with syntax errors a fix is offered only when the file parses no worse with it. The
// language server leaves that check out of the diagnostics (finishFindings' `checkFixes` false)
// and makes it for the fixes it offers (withFixVerdicts): checked later, the findings must be
// exactly those of the eager check (`check`, `fix`), after random edits that break files.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { finishFindings, parseSource, runRules, summarizeSource, withFixVerdicts } from '../../server/src/analysis/engine';
import { applyEdits } from '../../server/src/analysis/fixes/edits';
import { initParser } from '../../server/src/analysis/parser';
import { syntaxErrorCount } from '../../server/src/analysis/source';
import { loadProject } from '../../server/src/project';
import { BROKEN_FILE_WITH_FIXES, REFUSED_FIX, REFUSED_REASON } from './robustness/broken-file';
import { applyEdit, prng, randomEdit, seedFromEnv } from './lsp/random-edits';

const ROOT = path.resolve(__dirname, '../..');

describe('fix verdicts in a broken file, checked when used = checked with the diagnostics', function () {
  this.timeout(120000);
  before(initParser);

  it('on the example app after random edits: withFixVerdicts over the unchecked findings gives the eager ones', async () => {
    const seed = seedFromEnv('AM_FUZZ_SEED', 20261208);
    const random = prng(seed);
    const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
    let checkedFixes = 0;
    for (const rel of [...project.texts.keys()].filter((p) => p.endsWith('.py')).sort()) {
      const original = project.texts.get(rel)!;
      let text = original;
      for (let step = 0; step < 6; step++) {
        text = applyEdit(text, randomEdit(text, random));
        const { file } = parseSource(rel, text, project.config);
        try {
          project.index.upsert(summarizeSource(file));
          const eager = runRules(file, project.index, project.config);
          const raw = runRules(file, project.index, project.config, {}, undefined, true);
          const unchecked = finishFindings(file, raw.map((f) => ({ ...f })), false);
          const later = withFixVerdicts(file, unchecked);
          const where = `seed ${seed} (AM_FUZZ_SEED=${seed}), ${rel} after ${step + 1} edits`;
          assert.deepStrictEqual(later, eager, where);
          // Remembered per parse: asked again (a code action, then a hover), the same answer.
          assert.deepStrictEqual(withFixVerdicts(file, unchecked), eager, `${where} (asked again)`);
          if (file.root.hasError) checkedFixes += unchecked.filter((f) => f.fix || f.suggestions?.length).length;
          else assert.deepStrictEqual(unchecked, eager, `${where}: a file without syntax errors has nothing to check`);
        } finally {
          file.dispose();
        }
      }
      const { file } = parseSource(rel, original, project.config);
      project.index.upsert(summarizeSource(file));
      file.dispose();
    }
    assert.ok(checkedFixes > 20, `only ${checkedFixes} findings with fixes checked in broken files`);
  });

  it('drops the fix that parses worse (saying why) and keeps the one that does not', async () => {
    const rel = 'app/services/user.py';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-verdicts-'));
    fs.mkdirSync(path.join(dir, 'app/services'), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), BROKEN_FILE_WITH_FIXES);
    const project = await loadProject(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    const { file } = parseSource(rel, BROKEN_FILE_WITH_FIXES, project.config);
    try {
      const unchecked = finishFindings(file, runRules(file, project.index, project.config, {}, undefined, true), false);
      const refusedBefore = unchecked.find((f) => f.fix?.title === REFUSED_FIX);
      assert.ok(refusedBefore, 'unchecked, the rewrite is still there');
      const checked = withFixVerdicts(file, unchecked);
      const refused = checked[unchecked.indexOf(refusedBefore)];
      assert.strictEqual(refused.fix, undefined);
      assert.strictEqual(refused.noFixReason, REFUSED_REASON);
      assert.ok(refusedBefore.fix, 'the findings given are not changed (the server keeps them for the next request)');
      const base = syntaxErrorCount(file.root);
      const kept = checked.filter((f) => f.fix);
      assert.ok(kept.length > 0);
      for (const f of kept) {
        const after = parseSource(rel, applyEdits(BROKEN_FILE_WITH_FIXES, f.fix!.edits), project.config).file;
        try {
          assert.ok(syntaxErrorCount(after.root) <= base, `${f.code} ${f.fix!.title}`);
        } finally {
          after.dispose();
        }
      }
    } finally {
      file.dispose();
    }
  });

  // Found by the random summary edits (seed 102), minimised: re-parsing the fixed text from the
  // file's tree recovered with 2 errors, a fresh parse (what `check` and the settled editor see)
  // with 4. The verdict is a fresh parse's.
  it('judges a fix by parsing the fixed text from scratch, as `check` and the settled editor will', async () => {
    const text = [
      '"""Feed de actividad async (redis.asyncio).',
      '"""',
      '        return [json.loads(raw) for raw in raw_items]',
      '    async def get_summary(self, redis: Redis, gym_id: int) -> dict[str, int]:',
      '        if cached:',
      '        redis.expire(summary_cache_key(gym_id), SUMMARY_CA"""CHE_TTL)',
      '        return summary',
      '    async def get_item(self, rediss, m_id: int, index: int) -> Optional[dict[str, Any]]:',
      '        try:',
      '        except:',
      '            return None',
    ].join('\n');
    const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
    const { file } = parseSource('app/services/feed.py', text, project.config);
    try {
      const fresh = (t: string) => {
        const { file: f } = parseSource('app/services/feed.py', t, project.config);
        try {
          return syntaxErrorCount(f.root);
        } finally {
          f.dispose();
        }
      };
      const base = fresh(text);
      const raw = runRules(file, project.index, project.config, {}, undefined, true);
      const worse = raw.flatMap((f) => [f.fix, ...(f.suggestions ?? [])]).filter((x) => x && fresh(applyEdits(text, x.edits)) > base);
      assert.ok(worse.length > 0, 'the case no longer has a fix that parses worse: pick another');
      for (const findings of [runRules(file, project.index, project.config), withFixVerdicts(file, finishFindings(file, raw.map((f) => ({ ...f })), false))]) {
        for (const f of findings) {
          for (const x of [f.fix, ...(f.suggestions ?? [])]) if (x) assert.ok(fresh(applyEdits(text, x.edits)) <= base, `${f.code} "${x.title}" is offered but parses worse`);
        }
      }
    } finally {
      file.dispose();
    }
  });
});
