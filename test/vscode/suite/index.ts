/**
 * Entry of the in-VS-Code test bundle (dist/test/vscode/index.js, built by
 * scripts/build-vscode-tests.mjs). VS Code loads it as `extensionTestsPath`
 * inside the real extension host and awaits `run()`.
 *
 * Suites are bundled in statically (test/vscode/suite/all.ts); mocha is
 * bundled too, so nothing is resolved from disk at run time except `vscode`.
 *
 * When ASYNC_MIGRATE_TEST_RESULT is set (code-server launcher), writes
 *   <result>           JSON {passed, failed, pending, failures:[{title, error}], report, ...}
 *   <result>.progress  the spec reporter's lines as they happen
 * Optional ASYNC_MIGRATE_TEST_GREP filters tests (mocha --grep).
 */
import * as fs from 'fs';
import * as util from 'util';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { suites } from './all';

export interface TestResult {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
  report: string;
  durationMs: number;
  vscodeVersion: string;
  /** Set when the runner itself crashed (not a test failure). */
  error?: string;
}

function writeResult(file: string | undefined, result: TestResult): void {
  if (!file) return;
  // Write then rename so the launcher never reads a half-written file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

export async function run(): Promise<void> {
  const resultFile = process.env.ASYNC_MIGRATE_TEST_RESULT || undefined;
  const progressFile = resultFile ? `${resultFile}.progress` : undefined;
  const started = Date.now();
  let report = '';

  const log = (...args: unknown[]) => {
    const line = util.format(...args) + '\n';
    report += line;
    if (progressFile) {
      try {
        fs.appendFileSync(progressFile, line);
      } catch {
        /* progress is best effort */
      }
    }
    // Also to the extension host's own stdout (visible under test-electron).
    process.stdout.write(line);
  };

  const failures: TestResult['failures'] = [];
  try {
    const grep = process.env.ASYNC_MIGRATE_TEST_GREP || undefined;
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', grep });
    Mocha.reporters.Base.consoleLog = log as typeof console.log;
    (Mocha.reporters.Base as unknown as { useColors: boolean }).useColors = false;

    for (const s of suites) {
      mocha.suite.emit('pre-require', globalThis, s.file, mocha);
      mocha.suite.emit('require', s.load(), s.file, mocha);
      mocha.suite.emit('post-require', globalThis, s.file, mocha);
    }

    const stats = await new Promise<Mocha.Stats>((resolve) => {
      const runner = mocha.run(() => resolve(runner.stats ?? ({} as Mocha.Stats)));
      runner.on('fail', (test, err: Error) => {
        failures.push({ title: test.fullTitle(), error: (err && (err.stack || err.message)) || String(err) });
      });
    });

    const result: TestResult = {
      passed: stats.passes ?? 0,
      failed: failures.length,
      pending: stats.pending ?? 0,
      failures,
      report,
      durationMs: Date.now() - started,
      vscodeVersion: vscode.version,
    };
    writeResult(resultFile, result);
    if (result.failed > 0) throw new Error(`${result.failed} test(s) failed`);
    if (result.passed === 0) throw new Error('no test ran');
  } catch (err) {
    const message = err instanceof Error ? err.stack || err.message : String(err);
    if (!resultFile || !fs.existsSync(resultFile)) {
      writeResult(resultFile, {
        passed: 0,
        failed: failures.length || 1,
        pending: 0,
        failures: failures.length ? failures : [{ title: '(test runner)', error: message }],
        report,
        durationMs: Date.now() - started,
        vscodeVersion: vscode.version,
        error: message,
      });
    }
    throw err;
  }
}
