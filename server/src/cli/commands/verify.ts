// async-migrate verify: the seed's pre-merge script (scripts/verify_async_migration.sh) on the
// engine instead of grep — fails on legacy queries (AM101/AM102) and sync sessions (AM103) in
// endpoint modules, warns on datetime.utcnow() (AM401), then runs the configured test command
// (argv split without a shell). Exit 0 all good, 1 check or tests failed, 2 usage/config error
// or a test command that cannot be started.
import { spawn } from 'child_process';
import { matchesGlob } from '../../analysis/glob';
import type { Finding } from '../../analysis/types';
import { shellWords } from '../../project/migration-templates';
import type { OptionSpec } from '../args';
import type { CommandIO } from '../io';
import { analyzeTarget, type CliWorkspace } from '../target';
import { failUsage, plural, prepare } from './workflow-common';

export const ENDPOINT_DIRS_GLOB = '**/api/**/endpoints/**';

export const VERIFY_OPTIONS: OptionSpec[] = [
  { name: 'format', type: 'string', metavar: 'text|json', choices: ['text', 'json'], help: 'output format (default: text; with json the test output goes to stderr)' },
  { name: 'scope', type: 'string', metavar: 'endpoints|routes', choices: ['endpoints', 'routes'], help: `where legacy queries and sync sessions fail the check: files under ${ENDPOINT_DIRS_GLOB} (default; falls back to route files when there are none) or every file with route handlers` },
  { name: 'no-tests', type: 'boolean', help: 'skip the test command' },
  { name: 'test-command', type: 'string', metavar: 'CMD', help: 'test command to run instead of [tool.async-migrate] verify-test-command' },
];

const DESCRIPTION = `The pre-merge check of the strategy document, on the analysis engine:
  1. no legacy db.query() (AM101, AM102) in endpoint modules      -> error
  2. no sync Session (AM103) in endpoint modules                   -> error
     no lost write, expired object or mismatched call (AM106, AM107, AM206) there -> error
  3. no datetime.utcnow() (AM401) anywhere (PATHS: under PATHS)    -> warning
  4. the test command passes (verify-test-command, default "pytest tests/ -v --tb=short";
     run in the project root without a shell; skipped when 1-2 fail, or with --no-tests)
Endpoint modules: files under ${ENDPOINT_DIRS_GLOB}, or with --scope routes every file that
defines route handlers. Suppressed findings (# async-migrate: ignore[...]) do not count.

Exit status: 0 passed, 1 check or tests failed, 2 usage/configuration error or a test command
that cannot be started.`;

export const ERROR_CODES = ['AM101', 'AM102', 'AM103', 'AM106', 'AM107', 'AM206'];
const RUNTIME_CODES = ['AM106', 'AM107', 'AM206'];
export const WARNING_CODES = ['AM401'];

/** Splits a command line into argv like a POSIX shell would for plain words and quotes; no expansion. */
export function splitCommand(command: string): string[] {
  const { words: out, openQuote } = shellWords(command);
  if (openQuote) throw new Error(`unterminated ${openQuote} quote`);
  const operator = out.find((w) => /^(&&|\|\||\||;|>|>>|<|&)$/.test(w));
  if (operator) throw new Error(`"${operator}" needs a shell, and the test command runs without one; put the steps in a script and run that`);
  return out;
}

export interface TestRunResult {
  command: string[];
  exitCode: number | null;
  signal?: string;
  durationMs: number;
  /** Set when the command could not be started. */
  startError?: string;
}

/** Runs argv in cwd, forwarding output line by line. */
export function runTests(argv: string[], cwd: string, env: Record<string, string | undefined>, out: (line: string) => void, err: (line: string) => void): Promise<TestRunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env } as NodeJS.ProcessEnv, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ command: argv, exitCode: null, durationMs: 0, startError: (error as Error).message });
      return;
    }
    const forward = (sink: (line: string) => void) => {
      let buffer = '';
      return {
        data(chunk: Buffer) {
          buffer += chunk.toString('utf8');
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const l of lines) sink(l.replace(/\r$/, ''));
        },
        end() {
          if (buffer) sink(buffer);
          buffer = '';
        },
      };
    };
    const o = forward(out);
    const e = forward(err);
    child.stdout!.on('data', o.data);
    child.stderr!.on('data', e.data);
    let startError: string | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      startError = error.code === 'ENOENT' ? `"${argv[0]}" was not found (not installed, or not on PATH)` : error.code === 'EACCES' ? `"${argv[0]}" is not executable` : error.message;
    });
    child.on('close', (code, signal) => {
      o.end();
      e.end();
      resolve({ command: argv, exitCode: startError ? null : code, signal: signal ?? undefined, durationMs: Date.now() - started, startError });
    });
  });
}

function scopeFiles(ws: CliWorkspace, scope: 'endpoints' | 'routes' | undefined): { files: string[]; label: string } {
  const routeFiles = ws.targets.filter((p) => (ws.project.index.fileByPath(p)?.routes.length ?? 0) > 0);
  if (scope === 'routes') return { files: routeFiles, label: 'files with route handlers' };
  const endpointFiles = ws.targets.filter((p) => matchesGlob(p, ENDPOINT_DIRS_GLOB));
  if (endpointFiles.length || scope === 'endpoints') {
    if (endpointFiles.length) return { files: endpointFiles, label: `endpoint modules (${ENDPOINT_DIRS_GLOB})` };
  }
  return { files: routeFiles, label: `files with route handlers (no file under ${ENDPOINT_DIRS_GLOB})` };
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const ctx = await prepare(io, 'verify', argv, VERIFY_OPTIONS, 'async-migrate verify [options] [PATHS...]', DESCRIPTION);
  if (typeof ctx === 'number') return ctx;
  const { ws } = ctx;
  const o = ctx.args.options;
  const json = o.format === 'json';
  const say = (t: string) => (json ? io.err(t) : io.out(t));

  let testArgv: string[] | undefined;
  const commandText = (o['test-command'] as string | undefined) ?? ws.config.verifyTestCommand;
  if (!o['no-tests']) {
    try {
      testArgv = splitCommand(commandText);
    } catch (error) {
      const from = o['test-command'] ? '--test-command' : '[tool.async-migrate] verify-test-command';
      return failUsage(io, 'verify', `${from} "${commandText}": ${(error as Error).message}`);
    }
    if (!testArgv.length) return failUsage(io, 'verify', 'the test command is empty (use --no-tests to skip the tests)');
  }

  const scope = scopeFiles(ws, o.scope as 'endpoints' | 'routes' | undefined);
  const scopeSet = new Set(scope.files);
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const rel of ws.targets) {
    const inScope = scopeSet.has(rel);
    const findings = analyzeTarget(ws, rel, { select: inScope ? [...ERROR_CODES, ...WARNING_CODES] : WARNING_CODES });
    for (const f of findings) {
      if (inScope && ERROR_CODES.includes(f.code)) errors.push(f);
      else if (WARNING_CODES.includes(f.code)) warnings.push(f);
    }
  }
  const loc = (f: Finding) => `${ws.display(f.path)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
  const legacy = errors.filter((f) => f.code === 'AM101' || f.code === 'AM102');
  const sessions = errors.filter((f) => f.code === 'AM103');
  const runtime = errors.filter((f) => RUNTIME_CODES.includes(f.code));

  say(`Verifying the async migration: ${plural(scope.files.length, 'file')} in scope (${scope.label})`);
  const section = (ok: boolean, title: string, list: Finding[], level: 'error' | 'warning') => {
    if (ok) say(`✅ ${title}: none`);
    else {
      say(`${level === 'error' ? '❌ ERROR' : '⚠️  WARNING'}: ${title}: ${list.length}`);
      for (const f of list) say(`    ${loc(f)}  ${f.code}  ${f.message}`);
    }
  };
  section(!legacy.length, 'legacy db.query() (AM101/AM102)', legacy, 'error');
  section(!sessions.length, 'sync Session in endpoints (AM103)', sessions, 'error');
  section(!runtime.length, 'lost writes, expired objects, mismatched calls (AM106/AM107/AM206)', runtime, 'error');
  section(!warnings.length, 'datetime.utcnow() (AM401)', warnings, 'warning');

  let tests: TestRunResult | undefined;
  let testsSkipped: string | undefined;
  if (o['no-tests']) testsSkipped = '--no-tests';
  else if (errors.length) testsSkipped = 'the checks above failed';
  else {
    say(`Running tests: ${testArgv!.join(' ')}`);
    tests = await runTests(testArgv!, ws.root, io.env, (l) => (json ? io.err(l) : io.out(l)), (l) => io.err(l));
  }

  const failedChecks = errors.length > 0;
  const testsFailed = !!tests && !tests.startError && tests.exitCode !== 0;
  const cannotRun = !!tests?.startError;
  const summary: string[] = [];
  if (legacy.length) summary.push(plural(legacy.length, 'legacy query', 'legacy queries'));
  if (sessions.length) summary.push(plural(sessions.length, 'sync session'));
  if (runtime.length) summary.push(plural(runtime.length, 'run-time error'));
  if (tests?.startError) summary.push(`tests could not run: ${tests.startError}`);
  else if (testsFailed) summary.push(`tests failed (exit ${tests!.exitCode ?? tests!.signal})`);
  const warn = warnings.length ? `; ${plural(warnings.length, 'warning')} (utcnow)` : '';
  const testText = tests && !tests.startError ? `tests ${tests.exitCode === 0 ? 'passed' : 'failed'} in ${(tests.durationMs / 1000).toFixed(1)} s` : testsSkipped ? `tests skipped (${testsSkipped})` : '';

  if (json) {
    const j = (f: Finding) => ({ path: ws.display(f.path), line: f.range.start.line + 1, column: f.range.start.character + 1, code: f.code, rule: f.rule, message: f.message });
    io.out(
      JSON.stringify(
        {
          ok: !failedChecks && !testsFailed && !cannotRun,
          scope: { label: scope.label, files: scope.files.map(ws.display) },
          errors: errors.map(j),
          warnings: warnings.map(j),
          tests: tests ? { command: tests.command, exitCode: tests.exitCode, durationMs: tests.durationMs, error: tests.startError ?? null, skipped: null } : { skipped: testsSkipped ?? null },
        },
        null,
        2,
      ),
    );
  }
  if (cannotRun) {
    io.err(`async-migrate verify: cannot run the tests: ${tests!.startError}`);
    io.err(`  command: ${tests!.command.join(' ')} (from ${o['test-command'] ? '--test-command' : '[tool.async-migrate] verify-test-command'}); install it, set verify-test-command, or pass --no-tests`);
    return 2;
  }
  if (failedChecks || testsFailed) {
    say(`❌ Verification failed: ${summary.join(', ')}${warn}${testText && !testsFailed ? `; ${testText}` : ''}`);
    return 1;
  }
  say(`✅ Verification passed${warn}${testText ? `; ${testText}` : ''}`);
  return 0;
}
