// The real-world corpus (test/corpus): a few hundred Python files in many styles (FastAPI,
// SQLAlchemy 1.3–2.0, Redis, Celery, Django, Flask, aiohttp, pandas, CLIs, tests, stubs, broken
// and non-UTF-8 files…) that were not written with our rules in mind. Every subdirectory is one
// project, analysed as one workspace like `async-migrate check <project>`, and must report exactly
// the findings reviewed by hand in its EXPECTED_FINDINGS.json (path, line, code — each entry says
// why it is right). A finding a rule starts reporting is a new false positive until someone reviews
// it: the test fails with a readable diff. No file may crash the engine or give an internal error.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeFile, parseSource } from '../../server/src/analysis/engine';
import type { Finding } from '../../server/src/analysis/types';
import { loadProject } from '../../server/src/project';

const CORPUS = path.resolve(__dirname, '../corpus');

interface ExpectedFinding {
  path: string;
  line: number;
  code: string;
  /** Text that must still be on that line (keeps the snapshot honest when files change). */
  snippet: string;
  /** Why the finding is right, as the file's author would be told. */
  why: string;
}

interface Expected {
  project: string;
  description: string;
  findings: ExpectedFinding[];
}

const key = (p: string, line: number, code: string) => `${p}:${line} ${code}`;

/** Counts of each key (two findings of one code on one line are two entries). */
function multiset(keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

/** Keys in a but not in b, with multiplicity. */
function minus(a: Map<string, number>, b: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, n] of a) for (let i = b.get(k) ?? 0; i < n; i++) out.push(k);
  return out.sort();
}

const projects = fs.existsSync(CORPUS)
  ? fs.readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  : [];

describe('real-world corpus (test/corpus)', function () {
  this.timeout(120000);

  it('has several projects, each with a reviewed EXPECTED_FINDINGS.json', () => {
    assert.ok(projects.length >= 5, `expected several corpus projects, found ${projects.join(', ')}`);
    const missing = projects.filter((p) => !fs.existsSync(path.join(CORPUS, p, 'EXPECTED_FINDINGS.json')));
    assert.deepStrictEqual(missing, [], 'every corpus project needs an EXPECTED_FINDINGS.json');
  });

  for (const name of projects) {
    describe(name, () => {
      const root = path.join(CORPUS, name);
      const expectedFile = path.join(root, 'EXPECTED_FINDINGS.json');
      const findings: Finding[] = [];
      const crashes: string[] = [];
      const texts = new Map<string, string>();
      let configProblems: string[] = [];

      before(async () => {
        const project = await loadProject(root);
        configProblems = project.configProblems.map((p) => `${p.key}: ${p.message}`);
        for (const [rel, text] of project.texts) {
          texts.set(rel, text);
          let file: ReturnType<typeof parseSource>['file'] | undefined;
          try {
            file = parseSource(rel, text, project.config).file;
            findings.push(...analyzeFile(file, project.index, project.config));
          } catch (error) {
            crashes.push(`${rel}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          } finally {
            file?.dispose();
          }
        }
      });

      it('loads with a valid configuration and analyses every file without a crash or an internal error (AM000)', () => {
        assert.deepStrictEqual(configProblems, []);
        assert.ok(texts.size > 0, `no Python files read under ${root}`);
        assert.deepStrictEqual(crashes, []);
        assert.deepStrictEqual(findings.filter((f) => f.code === 'AM000').map((f) => `${f.path}: ${f.message}`), []);
      });

      it('reports exactly the reviewed findings of EXPECTED_FINDINGS.json', () => {
        const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as Expected;
        const got = findings.filter((f) => f.code !== 'AM000');
        const gotKeys = multiset(got.map((f) => key(f.path, f.range.start.line + 1, f.code)));
        const wantKeys = multiset(expected.findings.map((e) => key(e.path, e.line, e.code)));
        const added = minus(gotKeys, wantKeys);
        const gone = minus(wantKeys, gotKeys);
        if (!added.length && !gone.length) return;
        const sourceLine = (p: string, line: number) => (texts.get(p)?.split('\n')[line - 1] ?? '').trim();
        const lines = [`corpus project ${name}: the findings differ from ${path.relative(process.cwd(), expectedFile)}`];
        if (added.length) {
          lines.push('', `  NEW — not reviewed (${added.length}): a false positive to fix in the rule, or a real finding to add with a "why":`);
          for (const k of added) {
            const f = got.find((x) => key(x.path, x.range.start.line + 1, x.code) === k)!;
            lines.push(`    + ${k}:${f.range.start.character + 1}  ${f.message}`, `        | ${sourceLine(f.path, f.range.start.line + 1)}`);
          }
        }
        if (gone.length) {
          lines.push('', `  GONE — reviewed but no longer reported (${gone.length}): a missed bug, or remove the entry if the code changed:`);
          for (const k of gone) {
            const e = expected.findings.find((x) => key(x.path, x.line, x.code) === k)!;
            lines.push(`    - ${k}  (why it was right: ${e.why})`, `        | ${sourceLine(e.path, e.line)}`);
          }
        }
        assert.fail(lines.join('\n'));
      });

      it('EXPECTED_FINDINGS.json is well formed and still points at the reviewed lines', () => {
        const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as Expected;
        assert.strictEqual(expected.project, name);
        assert.ok(expected.description, 'describe the project in one sentence');
        const problems: string[] = [];
        for (const e of expected.findings) {
          if (!/^AM\d{3}$/.test(e.code)) problems.push(`${e.path}:${e.line} bad code ${e.code}`);
          if (!e.why || e.why.length < 15) problems.push(`${e.path}:${e.line} ${e.code} needs a "why"`);
          const line = texts.get(e.path)?.split('\n')[e.line - 1];
          if (line === undefined) problems.push(`${e.path}:${e.line} does not exist`);
          else if (!e.snippet || !line.includes(e.snippet)) problems.push(`${e.path}:${e.line} should contain ${JSON.stringify(e.snippet)}, is ${JSON.stringify(line.trim())}`);
        }
        assert.deepStrictEqual(problems, []);
      });
    });
  }
});
