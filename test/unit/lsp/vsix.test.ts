// The VSIX contains exactly the bundles, the grammar, media, snippets and manifest files: no
// sources, tests, examples, node_modules or source maps. Checked by packaging a stand-in of the
// repository (every kind of file present) with the real package.json and .vscodeignore, and by
// listing what `vsce ls` would ship from the real checkout.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { skipOrFailInCi } from '../helpers';
import { REPO } from './client';

const VSCE = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');

/** Every kind of file a checkout has (built or not), as relative paths. */
const STAND_IN = [
  'client/src/extension.ts',
  'server/src/lsp/main.ts',
  'server/src/analysis/engine.ts',
  'dist/client/extension.js',
  'dist/client/extension.js.map',
  'dist/server/server.js',
  'dist/server/server.js.map',
  'dist/server/cli.js',
  'dist/server/cli.js.map',
  'dist/server/tree-sitter.wasm',
  'dist/server/tree-sitter-python.wasm',
  'dist/webview/checklist.js',
  'dist/webview/checklist.js.map',
  'dist/test/vscode/index.js',
  'media/icon.png',
  'media/activity.svg',
  'media/checklist/checklist.css',
  'media/checklist/checklist.ts',
  'snippets/python.json',
  'l10n/bundle.l10n.es.json',
  'package.nls.json',
  'package.nls.es.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'CONTRIBUTING.md',
  'docs/editors.md',
  'docs/rules/AM101-legacy-query-in-async.md',
  'examples/gym-app/app/main.py',
  'examples/gym-app/pyproject.toml',
  'test/unit/lsp/vsix.test.ts',
  'test/vscode/suite/extension.test.ts',
  'scripts/build.mjs',
  'bin/async-migrate.js',
  'bin/async-migrate-lsp.js',
  'node_modules/vscode-languageclient/package.json',
  'node_modules/web-tree-sitter/tree-sitter.wasm',
  'tsconfig.json',
  '.mocharc.json',
  'package-lock.json',
  '.ci/ci.yml',
  '.gitignore',
  '.vscode-test/cache.txt',
  'test-results/unit.log',
  'bench/results/run.json',
  'async-migrate.vsix',
];

const EXPECTED = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/client/extension.js',
  'dist/server/cli.js',
  'dist/server/server.js',
  'dist/server/tree-sitter-python.wasm',
  'dist/server/tree-sitter.wasm',
  'dist/webview/checklist.js',
  'docs/rules/AM101-legacy-query-in-async.md',
  'l10n/bundle.l10n.es.json',
  'media/activity.svg',
  'media/checklist/checklist.css',
  'media/icon.png',
  'package.json',
  'package.nls.es.json',
  'package.nls.json',
  'snippets/python.json',
];

/** What may ship, as patterns over relative paths. */
const ALLOWED = [
  /^dist\/client\/extension\.js$/,
  /^dist\/server\/[^/]+\.js$/,
  /^dist\/server\/tree-sitter(-python)?\.wasm$/,
  /^dist\/webview\/[^/]+\.(js|css)$/,
  /^media\/.+\.(png|svg|css)$/,
  /^snippets\/[^/]+\.json$/,
  /^docs\/rules\/[^/]+\.md$/,
  /^l10n\/[^/]+\.json$/,
  /^package(\.nls(\.[\w-]+)?)?\.json$/,
  /^(README|CHANGELOG)\.md$/,
  /^LICENSE$/,
];

function vsce(cwd: string, args: string[]): string {
  return execFileSync(process.execPath, [VSCE, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
}

/** Entry names of a zip file (central directory). */
function zipEntries(file: string): string[] {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.strictEqual(buf.readUInt32LE(at), 0x02014b50, 'bad central directory');
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

describe('VSIX contents', function () {
  this.timeout(180000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-vsix-'));
    for (const rel of STAND_IN) {
      const abs = path.join(dir, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, rel.endsWith('.json') ? '{}\n' : `stand-in for ${rel}\n`);
    }
    for (const real of ['package.json', '.vscodeignore', 'LICENSE', 'CHANGELOG.md', 'media/icon.png', 'snippets/python.json']) {
      fs.copyFileSync(path.join(REPO, real), path.join(dir, real));
    }
    // The manifest's %key% strings resolve through the real localization files.
    for (const nls of fs.readdirSync(REPO).filter((f) => /^package\.nls(\.[\w-]+)?\.json$/.test(f))) {
      fs.copyFileSync(path.join(REPO, nls), path.join(dir, nls));
      if (!EXPECTED.includes(nls)) EXPECTED.push(nls);
    }
    EXPECTED.sort();
    fs.writeFileSync(path.join(dir, 'README.md'), '# Async Migrate\n\nGuides a FastAPI + SQLAlchemy + Redis backend from sync to async.\n');
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists exactly the bundles, grammar, media, snippets and manifest files (vsce ls)', () => {
    const listed = vsce(dir, ['ls', '--no-dependencies']).split('\n').map((l) => l.trim()).filter(Boolean).sort();
    assert.deepStrictEqual(listed, EXPECTED);
  });

  it('packages a VSIX whose extension folder holds exactly those files', () => {
    const out = path.join(dir, 'out', 'test.vsix');
    fs.mkdirSync(path.dirname(out));
    vsce(dir, ['package', '--no-dependencies', '-o', out]);
    const entries = zipEntries(out);
    // vsce stores the README, CHANGELOG and LICENSE under its own names.
    const renamed: Record<string, string> = { 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md', 'LICENSE.txt': 'LICENSE' };
    const files = entries
      .filter((e) => e.startsWith('extension/'))
      .map((e) => e.slice('extension/'.length))
      .map((e) => renamed[e] ?? e)
      .sort();
    assert.deepStrictEqual(files, EXPECTED);
    // Besides the extension folder, only vsce's own manifest files.
    assert.deepStrictEqual(entries.filter((e) => !e.startsWith('extension/')).sort(), ['[Content_Types].xml', 'extension.vsixmanifest']);
  });

  it('ships only allowed files from the real checkout, including the runtime essentials when built', function () {
    const listed = vsce(REPO, ['ls', '--no-dependencies']).split('\n').map((l) => l.trim()).filter(Boolean);
    const unexpected = listed.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepStrictEqual(unexpected, [], 'files that must not ship');
    for (const f of ['package.json', 'LICENSE', 'CHANGELOG.md', 'media/icon.png', 'snippets/python.json']) assert.ok(listed.includes(f), `${f} missing`);
    if (!fs.existsSync(path.join(REPO, 'dist/server/server.js'))) skipOrFailInCi(this, 'dist/ is not built (node scripts/build.mjs): the runtime files cannot be checked');
    for (const f of ['dist/client/extension.js', 'dist/server/server.js', 'dist/server/tree-sitter.wasm', 'dist/server/tree-sitter-python.wasm']) assert.ok(listed.includes(f), `${f} missing`);
  });

  it('declares what VS Code needs to run the extension', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.strictEqual(pkg.main, './dist/client/extension.js');
    assert.strictEqual(pkg.icon, 'media/icon.png');
    assert.ok(pkg.activationEvents.includes('onLanguage:python'));
    assert.strictEqual(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(pkg.scripts.package, /vsce package --no-dependencies -o async-migrate\.vsix/);
    // No runtime dependency is needed next to the bundles (--no-dependencies): the bundles must
    // not require() packages from node_modules.
    for (const bundle of ['dist/client/extension.js', 'dist/server/server.js']) {
      const file = path.join(REPO, bundle);
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      const requires = [...text.matchAll(/\brequire\("([^".][^"]*)"\)/g)].map((m) => m[1]);
      const external = [...new Set(requires)].filter((r) => !/^(node:)?(fs|path|os|url|util|child_process|net|crypto|events|stream|assert|buffer|module|worker_threads|tty|http|https|zlib|readline|perf_hooks|string_decoder|vscode)(\/.*)?$/.test(r));
      assert.deepStrictEqual(external, [], `${bundle} requires packages at run time`);
    }
    const settings = Object.keys(pkg.contributes.configuration.properties);
    for (const key of ['enable', 'select', 'ignore', 'severity', 'session', 'redis', 'blockingCalls', 'trace.server', 'diagnosticsScope']) {
      assert.ok(settings.includes(`asyncMigrate.${key}`), `asyncMigrate.${key} is not declared`);
      const setting = pkg.contributes.configuration.properties[`asyncMigrate.${key}`];
      assert.ok(setting.description || setting.markdownDescription, `asyncMigrate.${key} has no description`);
    }
    for (const command of pkg.contributes.commands.filter((c: { command: string }) => ['asyncMigrate.restartServer', 'asyncMigrate.showOutput', 'asyncMigrate.migrateEndpointAtCursor', 'asyncMigrate.fixAllInFile'].includes(c.command))) {
      // Localized through package.nls.json (%command.category%); the English is the brand name.
      const nls = JSON.parse(fs.readFileSync(path.join(REPO, 'package.nls.json'), 'utf8')) as Record<string, string>;
      const category = String(command.category).replace(/^%([^%]+)%$/, (_: string, key: string) => nls[key] ?? `%${key}%`);
      assert.strictEqual(category, 'Async Migrate');
    }
  });
});
