// The fix invariant (PRODUCT.md §1.2, issue 10 §1) over every input we have: each rule fixture
// workspace, the endpoint fixtures, the migrate-endpoint fixtures, the example app and every
// corpus project. For `fix` (safe), `fix --unsafe-fixes`, the editor's fix-all and "Migrate this
// endpoint" on every endpoint:
//  - no `await` on something the engine believes sync (a plain `def`, a sync Session, a sync
//    Redis client) that was not there before — counted by fix-invariant.ts, which resolves every
//    await afresh and shares nothing with the rules that wrote the fixes;
//  - every file that parsed still parses, and every file CPython compiled still compiles
//    (`/usr/bin/python3 -m py_compile`, on temporary copies: nothing is written into the checkout).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AsyncMigrateConfig } from '../../server/src/analysis/config';
import { resolveRoutes } from '../../server/src/analysis/endpoints/routing';
import { fixAllIncludes, fixText, parseSource, summarizeSource } from '../../server/src/analysis/engine';
import { syncAwaits } from '../../server/src/analysis/fix-invariant';
import { migrateEndpoint } from '../../server/src/analysis/migrate-endpoint';
import type { WorkspaceIndex } from '../../server/src/analysis/workspace';
import { loadProject } from '../../server/src/project';
import { asyncVersion } from './equivalence-support';
import { buildIndex, havePython, makeConfig, PYTHON, type Files } from './helpers';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const CORPUS = path.resolve(__dirname, '../corpus');
const EXAMPLE = path.resolve(__dirname, '../../examples/gym-app');

interface Workspace {
  name: string;
  files: Files;
  config: AsyncMigrateConfig;
}

function pythonFilesUnder(dir: string, base = dir): Files {
  const out: Files = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, pythonFilesUnder(full, base));
    else if (entry.name.endsWith('.py')) out[path.relative(base, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

/** Every rule fixture workspace (a file, or a directory = one workspace), as the fixture runner sees them. */
function ruleFixtureWorkspaces(): Workspace[] {
  const root = path.join(FIXTURES, 'rules');
  const out: Workspace[] = [];
  for (const rule of fs.readdirSync(root).sort()) {
    for (const entry of fs.readdirSync(path.join(root, rule), { withFileTypes: true })) {
      const full = path.join(root, rule, entry.name);
      if (entry.isFile() && entry.name.endsWith('.py')) out.push({ name: `rules/${rule}/${entry.name}`, files: { [entry.name]: fs.readFileSync(full, 'utf8') }, config: makeConfig() });
      else if (entry.isDirectory()) out.push({ name: `rules/${rule}/${entry.name}/`, files: pythonFilesUnder(full), config: makeConfig() });
    }
  }
  return out;
}

async function projectWorkspace(name: string, root: string): Promise<Workspace> {
  const project = await loadProject(root);
  return { name, files: Object.fromEntries(project.texts), config: project.config };
}

/** The executed multi-module package (equivalence-multifile.test.ts) as its migration starts: cases on an AsyncSession. */
function multifileWorkspace(): Files {
  const dir = path.resolve(__dirname, '../equivalence');
  const files: Files = { 'models.py': fs.readFileSync(path.join(dir, 'models.py'), 'utf8') };
  for (const [rel, text] of Object.entries(pythonFilesUnder(path.join(dir, 'multifile')))) files[rel] = asyncVersion(text);
  return files;
}

async function allWorkspaces(): Promise<Workspace[]> {
  const out = ruleFixtureWorkspaces();
  for (const dir of ['endpoints', 'migrate-endpoint']) {
    const root = path.join(FIXTURES, dir);
    if (!fs.existsSync(root)) continue;
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory()) out.push(await projectWorkspace(`${dir}/${entry.name}/`, path.join(root, entry.name)));
    }
  }
  out.push(await projectWorkspace('examples/gym-app', EXAMPLE));
  // Helpers finished and called in other modules: fixes that edit several files.
  out.push({ name: 'equivalence/multifile', files: multifileWorkspace(), config: makeConfig() });
  for (const entry of fs.readdirSync(CORPUS, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(await projectWorkspace(`corpus/${entry.name}`, path.join(CORPUS, entry.name)));
  }
  return out;
}

/** Sync awaits per file ("what" strings) and whether the file parses, against an index describing texts. */
function inspect(files: Files, index: WorkspaceIndex, config: AsyncMigrateConfig, only?: string[]): Map<string, { awaits: string[]; parses: boolean }> {
  const out = new Map<string, { awaits: string[]; parses: boolean }>();
  for (const rel of only ?? Object.keys(files)) {
    const { file } = parseSource(rel, files[rel], config);
    try {
      out.set(rel, { awaits: syncAwaits(file, index, config).map((a) => a.what), parses: !file.root.hasError });
    } finally {
      file.dispose();
    }
  }
  return out;
}

/** Entries of after not in before (multiset difference). */
function added(before: string[], after: string[]): string[] {
  const left = [...before];
  return after.filter((w) => {
    const i = left.indexOf(w);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

interface Violation {
  workspace: string;
  mode: string;
  problem: string;
}

/** Compares before/after for the changed files; collects the pairs CPython must compile. */
function compare(ws: Workspace, mode: string, before: Map<string, { awaits: string[]; parses: boolean }>, after: Map<string, { awaits: string[]; parses: boolean }>, violations: Violation[]): void {
  for (const [rel, a] of after) {
    const b = before.get(rel)!;
    for (const what of added(b.awaits, a.awaits)) violations.push({ workspace: ws.name, mode, problem: `${rel}: await on sync ${what}` });
    if (b.parses && !a.parses) violations.push({ workspace: ws.name, mode, problem: `${rel}: no longer parses` });
  }
}

interface CompileJob {
  label: string;
  before: string;
  after: string;
}

/** Runs CPython's compiler on every changed file whose original compiles; returns the labels that no longer compile. */
function compileFailures(jobs: CompileJob[]): string[] {
  if (!jobs.length) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-invariant-'));
  try {
    const list = jobs.map((job, i) => {
      const b = path.join(dir, `b${i}.py`);
      const a = path.join(dir, `a${i}.py`);
      fs.writeFileSync(b, job.before);
      fs.writeFileSync(a, job.after);
      return [job.label, b, a];
    });
    fs.writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify(list));
    const script = [
      'import json, sys, py_compile',
      'bad = []',
      'for label, b, a in json.load(open(sys.argv[1])):',
      '    try: py_compile.compile(b, cfile=b + "c", doraise=True)',
      '    except py_compile.PyCompileError: continue',
      '    try: py_compile.compile(a, cfile=a + "c", doraise=True)',
      '    except py_compile.PyCompileError as e: bad.append(label + ": " + str(e.msg).strip().splitlines()[-1])',
      'print(json.dumps(bad))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script, path.join(dir, 'jobs.json')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.strictEqual(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as string[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

type FixMode = { name: string; unsafe: boolean; ci: boolean };
const FIX_MODES: FixMode[] = [
  { name: 'fix', unsafe: false, ci: true },
  { name: 'fix --unsafe-fixes', unsafe: true, ci: true },
  { name: 'fix-all (editor)', unsafe: false, ci: false },
];

describe('fix invariant: nothing sync is awaited, every file parses and compiles (fixtures, example app, corpus)', function () {
  this.timeout(600000);
  let workspaces: Workspace[] = [];
  let pythonFound = false;
  const compileJobs: CompileJob[] = [];
  const counts = { workspaces: 0, files: 0, changedByFix: 0, otherFiles: 0, endpoints: 0, migrated: 0, refused: 0 };

  before(async () => {
    workspaces = await allWorkspaces();
    pythonFound = havePython(['py_compile']);
    if (!pythonFound && process.env.CI === 'true') throw new Error(`${PYTHON} is required for the fix invariant`);
  });

  it('covers every fixture, the example app and every corpus project', () => {
    const names = workspaces.map((w) => w.name);
    assert.ok(names.includes('examples/gym-app'));
    assert.ok(names.filter((n) => n.startsWith('corpus/')).length >= 5, names.join(', '));
    assert.ok(names.filter((n) => n.startsWith('rules/')).length >= 20, names.join(', '));
    assert.ok(names.includes('migrate-endpoint/no-async-dependency/') && names.includes('migrate-endpoint/switch/'), names.join(', '));
  });

  for (const mode of FIX_MODES) {
    it(`after \`${mode.name}\``, async () => {
      const violations: Violation[] = [];
      for (const ws of workspaces) {
        const index = await buildIndex(ws.files, ws.config);
        const before = inspect(ws.files, index, ws.config);
        const fixed: Files = { ...ws.files };
        // Fixes may edit other files (a helper's callers): they read and write the current texts, as the CLI does.
        index.sources = { textOf: (rel) => fixed[rel] };
        for (const rel of Object.keys(ws.files).sort()) {
          const result = fixText(rel, fixed[rel], index, ws.config, { ci: mode.ci, unsafe: mode.unsafe, filter: (f) => fixAllIncludes(f), otherFiles: true });
          fixed[rel] = result.text;
          for (const [other, text] of result.otherTexts) fixed[other] = text;
          counts.otherFiles += mode === FIX_MODES[0] ? result.otherTexts.size : 0;
        }
        const changed = Object.keys(ws.files).filter((rel) => fixed[rel] !== ws.files[rel]);
        counts.files += mode === FIX_MODES[0] ? Object.keys(ws.files).length : 0;
        counts.changedByFix += mode === FIX_MODES[0] ? changed.length : 0;
        // The index now describes the fixed texts: every await is resolved against the result.
        compare(ws, mode.name, before, inspect(fixed, index, ws.config), violations);
        for (const rel of changed) compileJobs.push({ label: `${ws.name} ${mode.name} ${rel}`, before: ws.files[rel], after: fixed[rel] });
      }
      counts.workspaces = workspaces.length;
      assert.deepStrictEqual(violations.map((v) => `${v.workspace} [${v.mode}] ${v.problem}`), []);
      if (mode === FIX_MODES[0]) assert.ok(counts.otherFiles >= 2, `fixes that edit other files were checked (${JSON.stringify(counts)})`);
    });
  }

  it('after "Migrate this endpoint" on every endpoint (each from the original code)', async () => {
    const violations: Violation[] = [];
    for (const ws of workspaces) {
      const index = await buildIndex(ws.files, ws.config);
      const before = inspect(ws.files, index, ws.config);
      const seen = new Set<string>();
      for (const route of resolveRoutes(index)) {
        const rel = route.module.path;
        const key = `${rel}:${route.route.function}`;
        if (seen.has(key) || ws.files[rel] === undefined) continue;
        seen.add(key);
        counts.endpoints++;
        const result = migrateEndpoint(rel, ws.files[rel], index, ws.config, { function: route.route.function });
        if (!result.ok) {
          counts.refused++;
          assert.strictEqual(result.text, ws.files[rel], `${ws.name} ${key}: a refused migration changes nothing`);
          assert.ok(result.notDone.length, `${ws.name} ${key}: a refused migration says why`);
          continue;
        }
        if (result.text === ws.files[rel]) continue;
        counts.migrated++;
        const previous = index.fileByPath(rel)!;
        const { file } = parseSource(rel, result.text, ws.config);
        index.upsert(summarizeSource(file));
        file.dispose();
        try {
          compare(ws, `migrate ${route.route.function}`, new Map([[rel, before.get(rel)!]]), inspect({ [rel]: result.text }, index, ws.config, [rel]), violations);
        } finally {
          index.upsert(previous);
        }
        compileJobs.push({ label: `${ws.name} migrate ${key}`, before: ws.files[rel], after: result.text });
      }
    }
    assert.deepStrictEqual(violations.map((v) => `${v.workspace} [${v.mode}] ${v.problem}`), []);
    assert.ok(counts.migrated > 5, `several endpoints migrate (${JSON.stringify(counts)})`);
    assert.ok(counts.refused > 0, `some endpoints are refused with a reason (${JSON.stringify(counts)})`);
  });

  it('every changed file that CPython compiled before still compiles (py_compile)', function () {
    if (!pythonFound) this.skip();
    assert.ok(compileJobs.length > 20, `the fixes above changed files to compile (${compileJobs.length})`);
    assert.deepStrictEqual(compileFailures(compileJobs), []);
  });
});
