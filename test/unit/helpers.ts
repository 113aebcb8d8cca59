// Test helpers: build an in-memory workspace from {path: text} and run the engine on it; read
// the localized strings of a client source file.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { type AsyncMigrateConfig, applyRawConfig, DEFAULT_CONFIG } from '../../server/src/analysis/config';
import { analyzeFile, fixText, parseSource, summarizeSource, type FixOptions, type RunOptions } from '../../server/src/analysis/engine';
import { initParser } from '../../server/src/analysis/parser';
import type { Finding } from '../../server/src/analysis/types';
import { WorkspaceIndex } from '../../server/src/analysis/workspace';

export type Files = Record<string, string>;

/**
 * A prerequisite of the test is missing (Python packages, a build): skipped on a developer
 * machine, saying why; a failure under CI=true, where every test must run.
 */
export function skipOrFailInCi(test: Mocha.Context, missing: string): never {
  if (process.env.CI === 'true') throw new Error(`${missing} (under CI=true a missing prerequisite fails the run)`);
  console.warn(`    skipping: ${missing}`);
  return test.skip();
}

/** Strips the common leading indentation so test sources can be indented in TS. */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min)).join('\n').replace(/[ \t]+$/, '');
}

/** The string literal first argument of every `t('…')` / `vscode.l10n.t('…')` call. */
export function l10nStrings(source: string): string[] {
  const out: string[] = [];
  const re = /\b(?:l10n\.)?t\(\s*(['"])((?:\\.|(?!\1).)*)\1/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source))) out.push(m[2].replace(/\\(['"\\])/g, '$1'));
  return out;
}

export function makeConfig(raw: Record<string, unknown> = {}): AsyncMigrateConfig {
  const config = JSON.parse(JSON.stringify(DEFAULT_CONFIG)) as AsyncMigrateConfig;
  const problems: { key: string; message: string }[] = [];
  applyRawConfig(config, raw, 'test', 'tool.async-migrate', problems as never);
  if (problems.length) throw new Error('bad test config: ' + JSON.stringify(problems));
  return config;
}

export async function buildIndex(files: Files, config = makeConfig()): Promise<WorkspaceIndex> {
  await initParser();
  const index = new WorkspaceIndex(config);
  for (const [path, text] of Object.entries(files)) {
    const { file } = parseSource(path, text, config);
    index.upsert(summarizeSource(file));
    file.dispose();
  }
  return index;
}

/** Findings for every file (or only `only`), sorted by path then position. */
export async function analyze(files: Files, options: RunOptions & { config?: AsyncMigrateConfig; only?: string } = {}): Promise<Finding[]> {
  const config = options.config ?? makeConfig();
  const index = await buildIndex(files, config);
  const out: Finding[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (options.only && path !== options.only) continue;
    const { file } = parseSource(path, text, config);
    try {
      out.push(...analyzeFile(file, index, config, options));
    } finally {
      file.dispose();
    }
  }
  return out;
}

/** Findings of one code, as "line:col" (1-based) strings, for compact assertions. */
export async function positionsOf(code: string, files: Files, options: RunOptions & { config?: AsyncMigrateConfig; only?: string } = {}): Promise<string[]> {
  const findings = await analyze(files, { ...options, select: [code] });
  return findings.filter((f) => f.code === code).map((f) => `${Object.keys(files).length > 1 ? f.path + ':' : ''}${f.range.start.line + 1}:${f.range.start.character + 1}`);
}

/** Applies all fixes (safe, or also unsafe) to one file of the workspace and returns the text. */
export async function fix(files: Files, path: string, options: FixOptions & { config?: AsyncMigrateConfig } = {}): Promise<string> {
  const config = options.config ?? makeConfig();
  const index = await buildIndex(files, config);
  return fixText(path, files[path], index, config, options).text;
}

/**
 * Table-driven rule test: `valid` sources must give no finding of `code`; each `invalid` case
 * gives exactly the listed 1-based "line:col" positions and, if `output` is set, fixes to it.
 */
export interface RuleCase {
  name?: string;
  files?: Files;
  code?: string;
  /** The file under test when `files` has several. */
  path?: string;
  errors?: string[];
  /** Expected text after applying all fixes (with unsafe ones when `unsafe`). */
  output?: string;
  unsafe?: boolean;
  /** Substring expected in the first finding's message. */
  message?: RegExp | string;
  config?: Record<string, unknown>;
}

export function ruleTester(code: string, table: { valid: RuleCase[]; invalid: RuleCase[] }): void {
  const filesOf = (c: RuleCase): Files => c.files ?? { 'app/module.py': c.code! };
  const pathOf = (c: RuleCase): string => c.path ?? Object.keys(filesOf(c))[0];
  describe(`${code} valid`, () => {
    table.valid.forEach((c, i) => {
      it(c.name ?? `valid #${i + 1}`, async () => {
        const config = makeConfig(c.config);
        const findings = (await analyze(filesOf(c), { config, select: [code], only: pathOf(c) })).filter((f) => f.code === code || f.code === 'AM000');
        assert.deepStrictEqual(findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`), []);
      });
    });
  });
  describe(`${code} invalid`, () => {
    table.invalid.forEach((c, i) => {
      it(c.name ?? `invalid #${i + 1}`, async () => {
        const config = makeConfig(c.config);
        const findings = (await analyze(filesOf(c), { config, select: [code], only: pathOf(c) })).filter((f) => f.code === code || f.code === 'AM000');
        assert.deepStrictEqual(findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1}`), c.errors ?? [], findings.map((f) => f.message).join('\n'));
        if (c.message) {
          const m = findings[0]?.message ?? '';
          if (c.message instanceof RegExp) assert.match(m, c.message);
          else assert.ok(m.includes(c.message), `message "${m}" should include "${c.message}"`);
        }
        if (c.output !== undefined) {
          const fixed = await fix(filesOf(c), pathOf(c), { config, select: [code], unsafe: c.unsafe });
          assert.strictEqual(fixed, c.output);
          // Idempotent: a second run changes nothing.
          const again = await fix({ ...filesOf(c), [pathOf(c)]: fixed }, pathOf(c), { config, select: [code], unsafe: c.unsafe });
          assert.strictEqual(again, fixed, 'fix is not idempotent');
        }
      });
    });
  });
}

/** The Python the executed tests run (Debian's, with SQLAlchemy, FastAPI, aiosqlite, httpx, pytest). */
export const PYTHON = process.env.ASYNC_MIGRATE_PYTHON ?? '/usr/bin/python3';

/** True when PYTHON runs and imports every module named. */
export function havePython(modules: string[] = []): boolean {
  const code = modules.length ? `import ${modules.join(', ')}` : 'pass';
  return spawnSync(PYTHON, ['-c', code], { stdio: 'ignore' }).status === 0;
}
