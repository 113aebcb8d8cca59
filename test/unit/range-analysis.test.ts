// analyzeRange (analysis/range-analysis.ts) answers code actions and hovers from the top-level
// statements at the cursor: there it must give exactly the findings of a from-scratch analysis,
// and every finding a full analysis has over the range asked, on real-shaped files after random
// edits (broken code included); and the analysis that follows, given the file-wide findings the
// range computed, equals a full one. Seeded; rerun a failure with AM_FUZZ_SEED=<seed>.
import * as assert from 'assert';
import * as path from 'path';
import { parseSource, runRules, summarizeSource } from '../../server/src/analysis/engine';
import { chunksOf } from '../../server/src/analysis/chunks';
import { analyzeFileIncremental } from '../../server/src/analysis/incremental';
import { initParser } from '../../server/src/analysis/parser';
import { analyzeRange } from '../../server/src/analysis/range-analysis';
import type { Finding } from '../../server/src/analysis/types';
import { loadProject } from '../../server/src/project';
import { type RandomEdit, applyEdit, prng, randomEdit, seedFromEnv } from './lsp/random-edits';

const ROOT = path.resolve(__dirname, '../..');
const show = (list: Finding[]) => list.map((f) => `${f.code}@${f.start}-${f.end}${f.fix ? ' +fix' : ''}${f.noFixReason ? ` (${f.noFixReason})` : ''}`).join('\n');

describe('analyzeRange = a full analysis over the statements at the range', function () {
  this.timeout(300000);
  before(() => initParser());

  for (const [dir, steps] of [
    ['examples/gym-app', 6],
    ['test/corpus/fastapi-shop', 6],
    ['test/corpus/clinic-api', 4],
  ] as const) {
    it(`${dir}: every top-level statement of every file, after random edits`, async () => {
      const seed = seedFromEnv('AM_FUZZ_SEED', 20261208);
      const random = prng(seed);
      const project = await loadProject(path.join(ROOT, dir));
      const stats = { ranges: 0, findingsCompared: 0, undecided: 0, reused: 0 };
      for (const [rel, original] of project.texts) {
        let text = original;
        const undo: RandomEdit[] = [];
        for (let step = 0; step <= steps; step++) {
          if (step > 0) {
            const edit = undo.length && random() < 0.4 ? undo.pop()! : randomEdit(text, random);
            undo.push({ start: edit.start, end: edit.start + edit.text.length, text: text.slice(edit.start, edit.end) });
            text = applyEdit(text, edit);
          }
          const { file } = parseSource(rel, text, project.config);
          try {
            project.index.upsert(summarizeSource(file));
            const full = runRules(file, project.index, project.config);
            const key = (f: Finding) => JSON.stringify(f);
            const fullKeys = new Set(full.map(key));
            let fileWide: Finding[] | undefined;
            for (const chunk of chunksOf(file)) {
              // A cursor (or a selection) somewhere in the statement.
              const start = chunk.start + Math.floor(random() * (chunk.lineEnd - chunk.start + 1));
              const end = random() < 0.7 ? start : Math.min(text.length, start + Math.floor(random() * 80));
              const range = analyzeRange(file, project.index, project.config, start, end, {}, fileWide);
              if (fileWide) stats.reused++;
              fileWide = range.fileWide;
              const where = `seed ${seed} (AM_FUZZ_SEED=${seed}), ${rel} after ${step} edits, range ${start}-${end}`;
              if (!range.findings) {
                // Only a broken file with few fixes needs the whole file's count.
                assert.ok(file.root.hasError, `${where}: undecided on a file without syntax errors`);
                stats.undecided++;
                continue;
              }
              stats.ranges++;
              const inStatements = (f: Finding) => range.start <= f.start && f.start <= range.end;
              const want = full.filter(inStatements);
              assert.deepStrictEqual(range.findings.filter(inStatements), want, `${where}: findings in the statements analysed differ\nrange:\n${show(range.findings.filter(inStatements))}\nfull:\n${show(want)}`);
              // Everything a code action or hover at the range looks at is there, and nothing else is invented.
              const atRange = (f: Finding) => f.start <= end && start <= f.end;
              const rangeKeys = new Set(range.findings.map(key));
              for (const f of full.filter(atRange)) assert.ok(rangeKeys.has(key(f)), `${where}: missing at the range: ${show([f])}`);
              for (const f of range.findings) assert.ok(fullKeys.has(key(f)), `${where}: not in a full analysis: ${show([f])}`);
              stats.findingsCompared += want.length;
            }
            // The analysis of the same text that follows takes the file-wide findings over.
            if (fileWide) assert.deepStrictEqual(analyzeFileIncremental(file, project.index, project.config, undefined, {}, fileWide).findings, full, `${rel} after ${step} edits: full analysis with the range's file-wide findings`);
          } finally {
            file.dispose();
          }
        }
        const { file } = parseSource(rel, original, project.config);
        project.index.upsert(summarizeSource(file));
        file.dispose();
      }
      assert.ok(stats.ranges > 50, `only ${stats.ranges} ranges checked`);
      assert.ok(stats.findingsCompared > 20, `only ${stats.findingsCompared} findings compared`);
      assert.ok(stats.reused > (stats.ranges + stats.undecided) / 2, 'file-wide findings were not reused between ranges of the same text');
    });
  }

  it('runs definition-local rules over the statements at the range only', async () => {
    const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
    const [rel, text] = [...project.texts].sort((a, b) => b[1].length - a[1].length)[0];
    const { file } = parseSource(rel, text, project.config);
    try {
      const chunks = chunksOf(file).filter((c) => c.type !== 'comment');
      const last = chunks[chunks.length - 1];
      const range = analyzeRange(file, project.index, project.config, last.start, last.start);
      assert.strictEqual(range.start, last.start);
      const full = runRules(file, project.index, project.config);
      // Findings before the last statement can only come from file-wide rules.
      const before = (list: Finding[]) => list.filter((f) => f.start < last.start).length;
      assert.ok(range.findings && before(range.findings) < before(full), `${rel}: ${before(range.findings ?? [])} findings before the last statement, as many as a full analysis`);
    } finally {
      file.dispose();
    }
  });
});
