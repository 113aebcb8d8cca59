// Neovim 0.7 (Debian's) drives the language server headless with the documented configuration
// (docs/editors/nvim-0.7-init.lua): the same findings as `async-migrate check`, and a quick fix +
// the safe fix-all give the same file as `async-migrate fix`. Works on temporary copies.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'gym-app');
const CLI = path.join(ROOT, 'bin', 'async-migrate.js');
const LSP = path.join(ROOT, 'bin', 'async-migrate-lsp.js');
const INIT = path.join(ROOT, 'docs', 'editors', 'nvim-0.7-init.lua');
const DRIVER = path.join(ROOT, 'test', 'editors', 'nvim-driver.lua');
const TARGET = 'app/api/v1/endpoints/users.py';

interface CliFinding { path: string; line: number; column: number; code: string; fixable: boolean }
interface NvimReport { diagnostics: { line: number; col: number; code: string }[]; actions: string[]; applied?: string; errors: string[] }

function hasNvim(): boolean {
  return spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** The CLI as a user runs it in a terminal: CI=true would turn the inventory hints (AM102, AM702) off. */
const CLI_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'CI'));

function copyExample(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-nvim-'));
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

describe('editors: Neovim 0.7 headless with the documented config', function () {
  this.timeout(120_000);
  const temps: string[] = [];

  before(function () {
    if (!hasNvim()) {
      // CI installs neovim (scripts/setup.sh): a missing editor there is a failure, not a skip.
      if (process.env.CI === 'true') throw new Error('nvim is not installed (scripts/setup.sh installs Debian\'s neovim)');
      this.skip();
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'server', 'server.js')), 'run `npm run build` first');
  });
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('docs/editors.md shows the tested configuration verbatim', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'editors.md'), 'utf8');
    assert.ok(doc.includes(fs.readFileSync(INIT, 'utf8')), 'docs/editors.md embeds docs/editors/nvim-0.7-init.lua');
  });

  it('reports what the CLI reports and applies the same fixes as `async-migrate fix`', () => {
    const cliCopy = copyExample();
    const nvimCopy = copyExample();
    temps.push(cliCopy, nvimCopy);

    const check = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', TARGET], { cwd: cliCopy, encoding: 'utf8', env: CLI_ENV });
    const expected = (JSON.parse(check.stdout) as CliFinding[]).filter((f) => f.path === TARGET);
    assert.ok(expected.length >= 5, `the CLI reports findings in ${TARGET}: ${check.stdout}${check.stderr}`);
    const quick = expected.find((f) => f.fixable && f.code === 'AM202');
    assert.ok(quick, 'the example has a fixable AM202 in users.py');
    spawnSync(process.execPath, [CLI, 'fix', TARGET], { cwd: cliCopy, encoding: 'utf8', env: CLI_ENV });
    const cliFixed = fs.readFileSync(path.join(cliCopy, TARGET), 'utf8');
    assert.notStrictEqual(cliFixed, fs.readFileSync(path.join(EXAMPLE, TARGET), 'utf8'), 'the CLI fix changes the file');

    const report = path.join(nvimCopy, '.nvim-report.json');
    const shim = path.join(nvimCopy, '.async-migrate-lsp');
    fs.writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${LSP}" "$@"\n`, { mode: 0o755 });
    const run = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', INIT, '-c', `luafile ${DRIVER}`], {
      cwd: nvimCopy,
      encoding: 'utf8',
      timeout: 100_000,
      env: {
        ...process.env,
        ASYNC_MIGRATE_LSP: shim,
        AM_TARGET: path.join(nvimCopy, TARGET),
        AM_OUT: report,
        AM_EXPECT: String(expected.length),
        AM_FIX_LINE: String(quick.line - 1),
        AM_FIX_CODE: quick.code,
        XDG_CONFIG_HOME: path.join(nvimCopy, '.xdg-config'),
        XDG_DATA_HOME: path.join(nvimCopy, '.xdg-data'),
        XDG_STATE_HOME: path.join(nvimCopy, '.xdg-state'),
      },
    });
    assert.ok(fs.existsSync(report), `nvim wrote no report (exit ${run.status}): ${run.stderr}${run.stdout}`);
    const seen = JSON.parse(fs.readFileSync(report, 'utf8')) as NvimReport;
    assert.deepStrictEqual(seen.errors, [], `nvim driver: ${seen.errors.join('; ')}`);
    assert.strictEqual(run.status, 0, run.stderr);

    const key = (line: number, col: number, code: string) => `${line}:${col}:${code}`;
    assert.deepStrictEqual(
      seen.diagnostics.map((d) => key(d.line + 1, d.col + 1, d.code)).sort(),
      expected.map((f) => key(f.line, f.column, f.code)).sort(),
      'Neovim shows exactly the CLI findings',
    );
    assert.ok(seen.applied, `a quick fix was applied (offered: ${seen.actions.join(', ')})`);
    assert.strictEqual(fs.readFileSync(path.join(nvimCopy, TARGET), 'utf8'), cliFixed, `the written buffer equals \`async-migrate fix\``);
    // The CLI sees nothing left to fix safely in the file Neovim wrote.
    const after = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', TARGET], { cwd: nvimCopy, encoding: 'utf8', env: CLI_ENV });
    assert.ok(!(JSON.parse(after.stdout) as CliFinding[]).some((f) => f.path === TARGET && f.fixable && f.code === quick.code));
  });
});
