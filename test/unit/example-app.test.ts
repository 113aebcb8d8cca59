// The bundled example app is the README demo: `check` must report exactly the planted
// anti-patterns of examples/gym-app/EXPECTED.json (right code, right line) and nothing on the
// clean files.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeFile, parseSource } from '../../server/src/analysis/engine';
import type { Finding } from '../../server/src/analysis/types';
import { loadProject } from '../../server/src/project';

const APP = path.resolve(__dirname, '../../examples/gym-app');

interface Expected {
  findings: { path: string; code: string; line: number; snippet: string }[];
  clean: string[];
}

describe('examples/gym-app', function () {
  this.timeout(60000);
  let findings: Finding[] = [];
  const expected = JSON.parse(fs.readFileSync(path.join(APP, 'EXPECTED.json'), 'utf8')) as Expected;

  before(async () => {
    const project = await loadProject(APP);
    assert.deepStrictEqual(project.configProblems, [], 'the example pyproject.toml is valid');
    for (const [rel, text] of project.texts) {
      const { file } = parseSource(rel, text, project.config);
      try {
        findings.push(...analyzeFile(file, project.index, project.config));
      } finally {
        file.dispose();
      }
    }
  });

  it('EXPECTED.json still points at the planted lines', () => {
    for (const e of expected.findings) {
      const line = fs.readFileSync(path.join(APP, e.path), 'utf8').split('\n')[e.line - 1] ?? '';
      assert.ok(line.includes(e.snippet), `${e.path}:${e.line} should contain "${e.snippet}"`);
    }
  });

  it('reports every planted anti-pattern with the right code and line, and nothing else', () => {
    const key = (p: string, line: number, code: string) => `${p}:${line} ${code}`;
    const want = expected.findings.map((e) => key(e.path, e.line, e.code)).sort();
    const got = [...new Set(findings.filter((f) => f.code !== 'AM000').map((f) => key(f.path, f.range.start.line + 1, f.code)))].sort();
    const missing = want.filter((k) => !got.includes(k));
    const extra = got.filter((k) => !want.includes(k));
    const detail = (k: string) => {
      const f = findings.find((x) => key(x.path, x.range.start.line + 1, x.code) === k);
      return f ? `${k}: ${f.message}` : k;
    };
    assert.deepStrictEqual({ missing, extra: extra.map(detail) }, { missing: [], extra: [] });
  });

  it('has no internal errors', () => {
    assert.deepStrictEqual(findings.filter((f) => f.code === 'AM000').map((f) => `${f.path}: ${f.message}`), []);
  });

  it('reports nothing on the clean, fully migrated files', () => {
    const dirty = findings.filter((f) => expected.clean.includes(f.path)).map((f) => `${f.path}:${f.range.start.line + 1} ${f.code} ${f.message}`);
    assert.deepStrictEqual(dirty, []);
  });
});
