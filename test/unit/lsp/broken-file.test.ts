// A file with syntax errors over real JSON-RPC: a fix is offered (and applied by fix-all) only
// when the file parses no worse with it. That check costs a reparse per fix, so the diagnostics
// of a keystroke do not make it: code actions and hovers make it for the fixes at their range,
// and once typing stops the diagnostics are checked and republished — then equal to `check`.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { initParser, parsePython } from '../../../server/src/analysis/parser';
import { syntaxErrorCount } from '../../../server/src/analysis/source';
import { toDiagnostic } from '../../../server/src/lsp/convert';
import { checkProject } from '../../../server/src/project';
import { BROKEN_FILE_WITH_FIXES, OFFERED_FIX, REFUSED_FIX, REFUSED_REASON } from '../robustness/broken-file';
import { LspClient, applyTextEdits, editsFor, fileUri, makeWorkspace } from './client';

const REL = 'app/services/user.py';

function errorsOf(text: string): number {
  const tree = parsePython(text);
  try {
    return syntaxErrorCount(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** The diagnostics `async-migrate check` gives for REL with `text`, on a copy of the workspace. */
async function checkDiagnostics(root: string, text: string): Promise<Diagnostic[]> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'am-broken-check-'));
  try {
    fs.cpSync(root, copy, { recursive: true });
    fs.writeFileSync(path.join(copy, REL), text);
    const { findings } = await checkProject(copy);
    const uriOf = (p: string) => fileUri(path.join(root, ...p.split('/')));
    return findings.filter((f) => f.path === REL).map((f) => toDiagnostic(f, { docsBaseUrl: '', uriOf }));
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

describe('language server: fixes in a file with syntax errors', function () {
  this.timeout(60000);
  let root: string;
  let client: LspClient;
  let uri: string;
  let text = BROKEN_FILE_WITH_FIXES;
  let version = 1;

  const codeActions = async (range: Diagnostic['range'], only?: string[]) =>
    (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], only } })) as CodeAction[];
  const find = (diagnostics: Diagnostic[], code: string) => {
    const found = diagnostics.find((d) => d.code === code);
    assert.ok(found, `no ${code} among ${diagnostics.map((d) => d.code).join(', ')}`);
    return found;
  };

  before(async () => {
    await initParser();
    root = makeWorkspace({ [REL]: BROKEN_FILE_WITH_FIXES });
    client = new LspClient({ root, resolveSupport: true, initializationOptions: { settleDelayMs: 100 } });
    await client.initialize();
    await client.waitIndexed();
    assert.ok(errorsOf(text) > 0, 'the fixture has syntax errors');
  });

  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('publishes diagnostics; the fix that parses worse is not offered, the other one is and parses no worse', async () => {
    uri = await client.open(REL, text, version);
    const published = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM102') && d.some((x) => x.code === 'AM601'), version);
    // The diagnostics of an edit do not pay a reparse per fix: the verdict is not in them yet.
    const first = client.published.find((p) => p.uri === uri && p.version === version)!;
    assert.doesNotMatch(find(first.diagnostics, 'AM102').message, /no automatic fix/);

    const refused = await codeActions(find(published, 'AM102').range);
    assert.deepStrictEqual(refused.filter((a) => a.title === REFUSED_FIX), [], 'the rewrite that makes the file parse worse is offered');
    assert.ok(refused.some((a) => a.title === 'Disable AM102 for this line'), `the other actions stay: ${refused.map((a) => a.title).join(', ')}`);
    const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: find(published, 'AM102').range.start })) as Hover;
    assert.match((hover.contents as { value: string }).value, new RegExp(`_No automatic fix:_ ${REFUSED_REASON.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the hover says why');

    const offered = (await codeActions(find(published, 'AM601').range)).find((a) => a.title === OFFERED_FIX);
    assert.ok(offered, 'the fix that parses no worse is offered');
    const fixed = applyTextEdits(text, editsFor(offered.edit, uri).edits);
    assert.match(fixed, /await asyncio\.sleep\(1\)/);
    assert.ok(errorsOf(fixed) <= errorsOf(text), 'the offered fix parses no worse');
  });

  it('once typing stops, republishes the diagnostics with the verdicts: exactly what `check` says', async () => {
    const expected = await checkDiagnostics(root, text);
    assert.ok(expected.some((d) => d.code === 'AM102' && d.message.includes(`(no automatic fix: ${REFUSED_REASON})`)), 'check explains the refused fix');
    assert.ok(expected.some((d) => d.code === 'AM601' && (d.data as { fix?: string }).fix), 'check offers the other one');
    await client.waitFor(() => {
      const last = client.lastDiagnostics(uri);
      return last?.version === version && JSON.stringify(last.diagnostics) === JSON.stringify(expected);
    }, 10000, 'diagnostics equal to check once settled');
  });

  it('while typing in the broken file: diagnostics for every version, and still never the fix that parses worse', async () => {
    const end = text.split('\n').length - 1;
    for (let i = 0; i < 6; i++) {
      version++;
      const typed = i === 0 ? '# note' : 'x';
      const character = text.split('\n')[end].length;
      await client.change(uri, version, [{ range: { start: { line: end, character }, end: { line: end, character } }, text: typed }]);
      text += typed;
      const published = await client.diagnostics(uri, () => true, version);
      const titles = (await codeActions(find(published, 'AM102').range)).map((a) => a.title);
      assert.ok(!titles.includes(REFUSED_FIX), `v${version}: the rewrite is offered`);
      assert.ok((await codeActions(find(published, 'AM601').range)).some((a) => a.title === OFFERED_FIX), `v${version}: the sleep fix is not offered`);
    }
  });

  it('fix-all applies the fix that parses no worse and not the other, even when its rule is selected', async () => {
    const [fixAll] = await codeActions({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll.asyncMigrate']);
    assert.ok(fixAll, 'fix-all is offered: a safe fix parses no worse');
    const resolved = (await client.conn.sendRequest('codeAction/resolve', fixAll)) as CodeAction;
    assert.match(applyTextEdits(text, editsFor(resolved.edit, uri).edits), /await asyncio\.sleep\(1\)/);
    // AM102 is an inventory hint: fix-all leaves it unless selected, so select it.
    const before = client.applyEdits.length;
    const result = (await client.conn.sendRequest('workspace/executeCommand', { command: 'asyncMigrate.fixAll', arguments: [{ uri, select: ['AM102', 'AM601'] }] })) as { applied: boolean; fixed: number };
    assert.deepStrictEqual(result, { applied: true, fixed: 1 });
    const fixed = applyTextEdits(text, editsFor(client.applyEdits[before].edit, uri).edits);
    assert.match(fixed, /await asyncio\.sleep\(1\)/);
    assert.ok(fixed.includes('return db.query(User).get(user_id)'), 'the query is left as it is');
    assert.ok(errorsOf(fixed) <= errorsOf(text));
  });
});
