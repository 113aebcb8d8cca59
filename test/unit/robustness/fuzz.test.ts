// Mutation fuzzing: every fixture and example file, cut and corrupted the way real editing
// leaves code, must analyse without internal errors, without findings inside syntax-error
// regions, and every offered fix must leave the file parsing no worse than before.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeFile, parseSource, summarizeSource } from '../../../server/src/analysis/engine';
import { applyEdits } from '../../../server/src/analysis/fixes/edits';
import { initParser, type Node } from '../../../server/src/analysis/parser';
import { inErrorRegion } from '../../../server/src/analysis/source';
import { walk } from '../../../server/src/analysis/syntax';
import { WorkspaceIndex } from '../../../server/src/analysis/workspace';
import { makeConfig } from '../helpers';

const ROOT = path.resolve(__dirname, '../../..');
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const MUTATIONS_PER_FILE = Number(process.env.FUZZ_MUTATIONS ?? 12);

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pythonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== '__pycache__') out.push(...pythonFiles(abs));
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(abs);
  }
  return out.sort();
}

const TOKENS = ['(', ')', '[', ']', '{', '}', ':', '"', "'", '"""', 'await ', 'async ', 'def ', '\n    ', '\n', 'db.query(', '.all()', 'lambda', ',', '=', '\\', '#', 'except', 'yield ', '@', 'return'];

/** One random edit of the kinds editing produces. */
function mutate(text: string, rnd: () => number): string {
  const pos = Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 5)) {
    case 0: // delete a span
      return text.slice(0, pos) + text.slice(Math.min(text.length, pos + 1 + Math.floor(rnd() * 40)));
    case 1: {
      // duplicate a line
      const lines = text.split('\n');
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
    case 2: // insert tokens / brackets
      return text.slice(0, pos) + Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => TOKENS[Math.floor(rnd() * TOKENS.length)]).join('') + text.slice(pos);
    case 3: // file cut mid-line (save while typing)
      return text.slice(0, pos);
    default: {
      // swap two spans (paste in the wrong place)
      const a = Math.floor(rnd() * text.length);
      const len = Math.floor(rnd() * 80);
      const span = text.slice(a, a + len);
      const removed = text.slice(0, a) + text.slice(a + len);
      const b = Math.floor(rnd() * (removed.length + 1));
      return removed.slice(0, b) + span + removed.slice(b);
    }
  }
}

function errorCount(root: Node): number {
  let n = 0;
  walk(root, (node) => {
    if (node.type === 'ERROR' || node.isMissing) n++;
  });
  return n;
}

describe('robustness: mutation fuzzing of fixtures and the example app', function () {
  this.timeout(600000);
  const files = [...pythonFiles(path.join(ROOT, 'test/fixtures')), ...pythonFiles(path.join(ROOT, 'examples/gym-app'))];

  it(`analyses ${MUTATIONS_PER_FILE} mutants of every file (seed ${SEED}) without internal errors, findings in ERROR regions, or fixes that break parsing`, async () => {
    await initParser();
    assert.ok(files.length > 0, 'no fixture files found');
    const config = makeConfig();
    const rnd = prng(SEED);
    let mutants = 0;
    let findingsSeen = 0;
    let fixesChecked = 0;
    for (const abs of files) {
      const rel = path.relative(ROOT, abs).split(path.sep).join('/');
      const original = fs.readFileSync(abs, 'utf8');
      // Siblings in the same directory form the workspace, so cross-file rules run too.
      const index = new WorkspaceIndex(config);
      for (const sibling of pythonFiles(path.dirname(abs))) {
        const siblingRel = path.relative(ROOT, sibling).split(path.sep).join('/');
        const { file } = parseSource(siblingRel, fs.readFileSync(sibling, 'utf8'), config);
        index.upsert(summarizeSource(file));
        file.dispose();
      }
      let text = original;
      for (let m = 0; m < MUTATIONS_PER_FILE; m++) {
        text = m % 4 === 0 ? mutate(original, rnd) : mutate(text, rnd);
        mutants++;
        const { file } = parseSource(rel, text, config);
        try {
          index.upsert(summarizeSource(file));
          const findings = analyzeFile(file, index, config, { select: ['AM'] });
          const baseErrors = errorCount(file.root);
          for (const finding of findings) {
            findingsSeen++;
            const context = `seed ${SEED}, ${rel} mutant ${m}: ${finding.code} at ${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
            assert.notStrictEqual(finding.code, 'AM000', `${context}: ${finding.message}`);
            const node = file.root.descendantForIndex(finding.start, Math.max(finding.start, finding.end - 1));
            assert.ok(!node || !inErrorRegion(node), `${context}: finding inside an ERROR region`);
            for (const fix of [finding.fix, ...(finding.suggestions ?? [])]) {
              if (!fix) continue;
              const fixed = applyEdits(text, fix.edits);
              const { file: after } = parseSource(rel, fixed, config);
              const afterErrors = errorCount(after.root);
              after.dispose();
              fixesChecked++;
              assert.ok(afterErrors <= baseErrors, `${context}: fix "${fix.title}" made parsing worse (${baseErrors} → ${afterErrors} error nodes)`);
            }
          }
        } finally {
          file.dispose();
        }
      }
    }
    console.log(`      ${files.length} files, ${mutants} mutants, ${findingsSeen} findings, ${fixesChecked} fixes re-parsed`);
    // Not vacuous: an engine that reports nothing (or offers no fix) would pass the loop above.
    // Measured 2026-12-07: 155 files, 1860 mutants, 879 findings, 638 fixes; the margin leaves room
    // for rules that become stricter.
    assert.ok(findingsSeen >= 400, `only ${findingsSeen} findings over ${mutants} mutants`);
    assert.ok(fixesChecked >= 250, `only ${fixesChecked} fixes re-parsed`);
  });
});
