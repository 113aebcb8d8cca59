// The language server over a real JSON-RPC connection (stdio, the server run through tsx):
// indexing with progress, diagnostics, code actions applied client-side, incremental edits,
// cross-file updates, hover, commands, live settings, file watching, refusals and shutdown.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { initParser, parsePython } from '../../../server/src/analysis/parser';
import { LspClient, applyTextEdits, editsFor, makeWorkspace } from './client';
import { API, FILES } from './fixture';

const brief = (d: Diagnostic[]) => d.map((x) => `${x.code}@${x.range.start.line}:${x.range.start.character}-${x.range.end.line}:${x.range.end.character}`).sort();

async function codeActions(client: LspClient, uri: string, diagnostic: Diagnostic | undefined, range = diagnostic!.range, only?: string[]): Promise<CodeAction[]> {
  return (await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics: diagnostic ? [diagnostic] : [], only },
  })) as CodeAction[];
}

describe('language server over JSON-RPC', function () {
  this.timeout(60000);
  let root: string;
  let client: LspClient;
  let apiUri: string;
  let apiText = API;
  let version = 1;

  /** Applies a WorkspaceEdit to api.py client-side and sends it as one incremental didChange. */
  async function applyToApi(edit: CodeAction['edit']): Promise<void> {
    const { edits, version: v } = editsFor(edit, apiUri);
    assert.ok(edits.length, 'the action has no edits for api.py');
    if (v !== undefined && v !== null) assert.strictEqual(v, version, 'edit computed for another version');
    // Send the edits in reverse order so each range is still valid when it arrives.
    const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    apiText = applyTextEdits(apiText, edits);
    version++;
    await client.change(apiUri, version, sorted.map((e) => ({ range: e.range, text: e.newText })));
  }

  before(async () => {
    root = makeWorkspace(FILES);
    client = new LspClient({ root });
  });

  after(async () => {
    if (client.proc.exitCode === null) await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('initializes with incremental sync, code actions, hover and commands', async () => {
    const result = await client.initialize();
    const caps = result.capabilities;
    assert.deepStrictEqual(caps.textDocumentSync, { openClose: true, change: 2, save: false });
    assert.ok(caps.hoverProvider);
    assert.deepStrictEqual(caps.executeCommandProvider?.commands, ['asyncMigrate.migrateEndpoint', 'asyncMigrate.fixAll', 'asyncMigrate.openTwin', 'asyncMigrate.setUpAsyncInfrastructure']);
    const kinds = (caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    for (const k of ['quickfix', 'refactor.rewrite', 'source.fixAll.asyncMigrate']) assert.ok(kinds.includes(k), k);
    assert.strictEqual(result.serverInfo?.name, 'async-migrate');
  });

  it('indexes the workspace in the background with work-done progress', async () => {
    await client.waitIndexed();
    const events = client.progress.map((p) => p.value);
    assert.strictEqual(events[0].kind, 'begin');
    assert.strictEqual(events[0].title, 'Indexing Python files');
    assert.strictEqual(events[0].message, '0/7 files');
    assert.ok(events.some((e) => e.kind === 'report' && e.message === '7/7 files' && e.percentage === 100), JSON.stringify(events));
    assert.strictEqual(events.at(-1)!.kind, 'end');
    // The token was created by the server (window/workDoneProgress/create).
    assert.ok(client.progressCreated.includes(client.progress[0].token));
    const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.deepStrictEqual((watchers?.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern), ['**/*.py', '**/pyproject.toml', '**/setup.cfg']);
    const status = (await client.conn.sendRequest('asyncMigrate/status')) as { state: string; filesIndexed: number; filesTotal: number };
    assert.strictEqual(status.state, 'ready');
    assert.strictEqual(status.filesIndexed, 7);
  });

  it('publishes diagnostics for an opened file, including cross-file ones from closed files', async () => {
    apiUri = await client.open('app/api.py', apiText, version);
    const diags = await client.diagnostics(apiUri, (d) => d.length > 0, 1);
    // AM201: send_push is async def in app/services/notify.py, which was never opened.
    assert.deepStrictEqual(brief(diags), ['AM102@24:11-24:25', 'AM201@16:4-16:22', 'AM401@18:12-18:29', 'AM601@17:4-17:17', 'AM702@23:4-23:14'].sort());
    const utc = diags.find((d) => d.code === 'AM401')!;
    assert.strictEqual(utc.source, 'async-migrate');
    assert.strictEqual(utc.severity, 2);
    assert.deepStrictEqual(utc.tags, [2]); // Deprecated
    assert.match(utc.codeDescription!.href, /docs\/rules\/AM401-datetime-utcnow\.md$/);
    // data: only what a client may act on without asking (code actions find findings by code and range).
    assert.deepStrictEqual(utc.data, { fix: 'unsafe' });
    const sync = diags.find((d) => d.code === 'AM702')!;
    assert.strictEqual(sync.data, undefined, 'no data without a fix: the message says why');
    assert.match(sync.message, /\(no automatic fix: it uses a sync Session/);
    assert.strictEqual(diags.find((d) => d.code === 'AM201')!.severity, 1);
  });

  it('offers quick fixes: preferred when safe, unsafe marked, plus disable-for-line', async () => {
    const diags = client.lastDiagnostics(apiUri)!.diagnostics;
    const sleep = diags.find((d) => d.code === 'AM601')!;
    const actions = await codeActions(client, apiUri, sleep);
    const titles = actions.map((a) => a.title);
    assert.deepStrictEqual(titles.slice(0, 2), ['Replace with await asyncio.sleep(...)', 'Disable AM601 for this line']);
    assert.strictEqual(actions[0].isPreferred, true);
    assert.strictEqual(actions[0].kind, 'quickfix');
    assert.deepStrictEqual(actions[0].diagnostics?.map((d) => d.code), ['AM601']);
    // The handler under the cursor can be migrated as a whole.
    assert.ok(titles.includes('Migrate this endpoint to async (read_user)'), titles.join('\n'));
    const utc = diags.find((d) => d.code === 'AM401')!;
    const utcActions = await codeActions(client, apiUri, utc);
    const replace = utcActions.find((a) => a.title.startsWith('Replace with datetime.now'))!;
    assert.ok(replace.title.endsWith('(unsafe)'), replace.title);
    assert.notStrictEqual(replace.isPreferred, true);
  });

  it('applies a quick fix client-side; the next version has updated diagnostics', async () => {
    const sleep = client.lastDiagnostics(apiUri)!.diagnostics.find((d) => d.code === 'AM601')!;
    const [fix] = await codeActions(client, apiUri, sleep);
    await applyToApi(fix.edit);
    assert.match(apiText, /await asyncio\.sleep\(1\)/);
    assert.match(apiText, /^import asyncio$/m);
    const diags = await client.diagnostics(apiUri, () => true, version);
    assert.ok(!diags.some((d) => d.code === 'AM601'), brief(diags).join());
    // Positions moved down by the added import line.
    assert.ok(diags.some((d) => d.code === 'AM401' && d.range.start.line === 19), brief(diags).join());
  });

  it('keeps diagnostics right through incremental edits (typing, deleting, pasting)', async () => {
    // Type a new line with a utcnow() call, character by character.
    const line = apiText.split('\n').findIndex((l) => l.includes('return {"name"'));
    const typed = '    later = datetime.utcnow()\n';
    for (let i = 0; i < typed.length; i++) {
      version++;
      apiText = applyTextEdits(apiText, [{ range: { start: { line, character: i }, end: { line, character: i } }, newText: typed[i] }]);
      await client.change(apiUri, version, [{ range: { start: { line, character: i }, end: { line, character: i } }, text: typed[i] }]);
    }
    let diags = await client.diagnostics(apiUri, () => true, version);
    assert.ok(diags.some((d) => d.code === 'AM401' && d.range.start.line === line && d.range.start.character === 12), brief(diags).join());
    // Delete it again in one change.
    version++;
    apiText = applyTextEdits(apiText, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' }]);
    await client.change(apiUri, version, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }]);
    diags = await client.diagnostics(apiUri, () => true, version);
    assert.strictEqual(diags.filter((d) => d.code === 'AM401').length, 1);
    // The server's incremental tree equals a fresh parse of the same text.
    const tree = (await client.conn.sendRequest('asyncMigrate/internal/syntaxTree', { uri: apiUri })) as { version: number; tree: string; incrementalParses: number };
    assert.strictEqual(tree.version, version);
    assert.ok(tree.incrementalParses > 0, 'the server never reparsed incrementally');
    await initParser();
    const fresh = parsePython(apiText);
    try {
      assert.strictEqual(tree.tree, fresh.rootNode.toString());
    } finally {
      fresh.delete();
    }
  });

  it('re-checks an open file when a module it imports changes (missing await appears)', async () => {
    const before = client.lastDiagnostics(apiUri)!.diagnostics;
    assert.ok(!before.some((d) => d.code === 'AM201' && apiText.split('\n')[d.range.start.line].includes('profile = get_user(')));
    const userText = fs.readFileSync(path.join(root, 'app/services/user.py'), 'utf8');
    const userUri = await client.open('app/services/user.py', userText, 1);
    await client.diagnostics(userUri);
    const publishedBefore = client.published.length;
    await client.change(userUri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'async ' }]);
    const diags = await client.diagnostics(apiUri, (d) => d.some((x) => x.code === 'AM201' && apiText.split('\n')[x.range.start.line].includes('profile = get_user(')));
    const line = apiText.split('\n').findIndex((l) => l.includes('profile = get_user('));
    assert.ok(diags.some((d) => d.code === 'AM201' && d.range.start.line === line && d.range.start.character === 14), brief(diags).join());
    // The re-check was published for the document's current version.
    assert.strictEqual(client.lastDiagnostics(apiUri)!.version, version);
    assert.ok(client.published.length > publishedBefore);
    // Undo in A: the finding in B goes away again.
    await client.change(userUri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } }, text: '' }]);
    await client.diagnostics(apiUri, (d) => !d.some((x) => x.code === 'AM201' && apiText.split('\n')[x.range.start.line].includes('profile = get_user(')));
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: userUri } });
  });

  it('shows the rule documentation on hover', async () => {
    const utc = client.lastDiagnostics(apiUri)!.diagnostics.find((d) => d.code === 'AM401')!;
    const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: apiUri }, position: { line: utc.range.start.line, character: utc.range.start.character + 3 } })) as Hover;
    const value = (hover.contents as { kind: string; value: string }).value;
    assert.strictEqual((hover.contents as { kind: string }).kind, 'markdown');
    assert.match(value, /\*\*AM401\*\* `datetime-utcnow` — \[documentation\]\(.*AM401-datetime-utcnow\.md\)/);
    assert.match(value, /\*\*What it does\.\*\*/);
    assert.match(value, /\*\*Why it is bad\.\*\*/);
    assert.match(value, /\*\*Use instead\*\*\n\n```python\n/);
    assert.deepStrictEqual(hover.range, utc.range);
    // No hover outside findings.
    const none = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: apiUri }, position: { line: 0, character: 0 } });
    assert.strictEqual(none, null);
  });

  it('disables a rule for one line with an ignore comment', async () => {
    const utc = client.lastDiagnostics(apiUri)!.diagnostics.find((d) => d.code === 'AM401')!;
    const disable = (await codeActions(client, apiUri, utc)).find((a) => a.title === 'Disable AM401 for this line')!;
    await applyToApi(disable.edit);
    assert.match(apiText, /stamp = datetime\.utcnow\(\)  # async-migrate: ignore\[AM401\]\n/);
    const diags = await client.diagnostics(apiUri, () => true, version);
    assert.ok(!diags.some((d) => d.code === 'AM401'), brief(diags).join());
  });

  it('migrates an endpoint through workspace/executeCommand + workspace/applyEdit', async () => {
    const result = (await client.conn.sendRequest('workspace/executeCommand', {
      command: 'asyncMigrate.migrateEndpoint',
      arguments: [{ uri: apiUri, function: 'list_users' }],
    })) as { applied: boolean };
    assert.strictEqual(result.applied, true);
    assert.strictEqual(client.applyEdits.length, 1);
    const request = client.applyEdits[0];
    assert.match(request.label ?? '', /list_users/);
    // One document change = one undo step in the editor.
    assert.strictEqual(request.edit.documentChanges?.length, 1);
    await applyToApi(request.edit);
    assert.match(apiText, /async def list_users\(db: AsyncSession = Depends\(get_async_db\)\)/);
    assert.match(apiText, /return \(await db\.execute\(select\(User\)\)\)\.scalars\(\)\.all\(\)/);
    await client.diagnostics(apiUri, () => true, version);
    // Nothing left to migrate: a clear message, no edit.
    const again = (await client.conn.sendRequest('workspace/executeCommand', { command: 'asyncMigrate.migrateEndpoint', arguments: [{ uri: apiUri, function: 'list_users' }] })) as { applied: boolean; reason: string };
    assert.strictEqual(again.applied, false);
    assert.strictEqual(client.applyEdits.length, 1);
    await client.waitFor(() => client.messages.find((m) => m.message.startsWith('async-migrate: nothing to migrate automatically in list_users')), 5000, 'a nothing-to-migrate message');
    // Bad arguments and unknown documents are answered, never crash the server.
    assert.strictEqual(await client.conn.sendRequest('workspace/executeCommand', { command: 'asyncMigrate.migrateEndpoint', arguments: [] }), null);
    assert.deepStrictEqual(await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: 'file:///nope.py' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), []);
    assert.strictEqual(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nope.py' }, position: { line: 0, character: 0 } }), null);
  });

  it('fix-all (source.fixAll.asyncMigrate) applies every safe fix and leaves unsafe ones', async () => {
    const none = await codeActions(client, apiUri, undefined, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.ok(!none.some((a) => a.kind === 'source.fixAll.asyncMigrate'), 'source actions only when asked for');
    const actions = await codeActions(client, apiUri, undefined, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll']);
    assert.deepStrictEqual(actions.map((a) => [a.title, a.kind]), [['Fix all safe async-migrate findings', 'source.fixAll.asyncMigrate']]);
    await applyToApi(actions[0].edit);
    assert.match(apiText, /\n {4}await send_push\(user_id\)\n/);
    const diags = await client.diagnostics(apiUri, () => true, version);
    assert.ok(!diags.some((d) => (d.data as { fix?: string }).fix === 'safe'), brief(diags).join());
  });

  it('fix-all leaves the inventory hints (AM102 in sync code, AM702) alone, like `async-migrate fix`', async () => {
    const legacyText = [
      'from fastapi import APIRouter, Depends',
      'from sqlalchemy.orm import Session',
      '',
      'from app.db import get_db',
      'from app.models import User',
      'from app.services.notify import send_push',
      '',
      'router = APIRouter()',
      '',
      '',
      '@router.get("/legacy")',
      'def legacy(db: Session = Depends(get_db)):',
      '    return db.query(User).all()',
      '',
      '',
      'async def notify(user_id):',
      '    send_push(user_id)',
      '',
    ].join('\n');
    const uri = await client.open('app/legacy.py', legacyText);
    const before = await client.diagnostics(uri, (d) => ['AM102', 'AM201', 'AM702'].every((c) => d.some((x) => x.code === c)));
    assert.ok(before.some((d) => d.code === 'AM102' && (d.data as { fix?: string }).fix === 'safe'), 'AM102 has a safe fix of its own');
    const actions = await codeActions(client, uri, undefined, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll']);
    const { edits } = editsFor(actions[0].edit, uri);
    const fixed = applyTextEdits(legacyText, edits);
    assert.match(fixed, /\n {4}await send_push\(user_id\)\n/, 'the safe AM201 fix is applied');
    assert.match(fixed, /\n {4}return db\.query\(User\)\.all\(\)\n/, 'the AM102 hint is left as it was');
    assert.match(fixed, /\ndef legacy\(/, 'the sync endpoint (AM702) is left as it was');
  });

  it('applies settings live: turning a rule off removes its diagnostics', async () => {
    version++;
    const text = apiText + '\n\ndef later():\n    return datetime.utcnow()\n';
    await client.change(apiUri, version, [{ text }]);
    apiText = text;
    await client.diagnostics(apiUri, (d) => d.some((x) => x.code === 'AM401'), version);
    client.settings = { ignore: ['AM4'] };
    const published = client.published.length;
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const diags = await client.diagnostics(apiUri, (d) => !d.some((x) => x.code === 'AM401'));
    assert.ok(client.published.length > published);
    assert.ok(!diags.some((d) => d.code === 'AM401'));
    client.settings = {};
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(apiUri, (d) => d.some((x) => x.code === 'AM401'));
  });

  it('reports a bad setting once, naming the key, and keeps working', async () => {
    const shown = client.messages.length;
    client.settings = { select: ['AM4', 'bogus'], diagnosticsScope: 'everything' };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitFor(() => client.messages.length >= shown + 2, 10000, 'two warnings');
    // The server logs each problem on every reload and shows it once; a warning shown again would
    // follow its log line. So: wait for the second reload's log lines, then a round trip delivers
    // anything sent with them.
    const logged = (text: string) => client.logs.filter((l) => l.message.includes(text)).length;
    const problems = ['asyncMigrate.select: not rule codes', 'asyncMigrate.diagnosticsScope: expected'];
    const loggedBefore = problems.map(logged);
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitFor(() => problems.every((p, i) => logged(p) > loggedBefore[i]), 10000, 'the second reload to log both problems');
    await client.conn.sendRequest('asyncMigrate/status');
    const fresh = client.messages.slice(shown);
    assert.deepStrictEqual(
      fresh.map((m) => m.message).sort(),
      [
        'async-migrate: settings: asyncMigrate.diagnosticsScope: expected "openFiles" or "workspace", got "everything"',
        'async-migrate: settings: asyncMigrate.select: not rule codes: bogus (use codes like "AM101" or prefixes like "AM1")',
      ].sort(),
    );
    assert.ok(fresh.every((m) => m.type === 2)); // Warning
    // The bad value was not applied: all rules still run.
    client.settings = {};
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(apiUri, (d) => d.some((x) => x.code === 'AM401'));
  });

  it('re-indexes closed files on watched-file changes and updates dependents', async () => {
    // A new module on disk that api.py starts importing.
    fs.writeFileSync(path.join(root, 'app/audit.py'), 'def record(event):\n    return event\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('app/audit.py'), type: 1 }] });
    version++;
    apiText = 'from app.audit import record\n' + apiText + '\n\nasync def handler():\n    record("x")\n';
    await client.change(apiUri, version, [{ text: apiText }]);
    let diags = await client.diagnostics(apiUri, () => true, version);
    const line = apiText.split('\n').findIndex((l) => l.includes('record("x")'));
    assert.ok(!diags.some((d) => d.range.start.line === line), brief(diags).join());
    // The module becomes async on disk: the open file's diagnostics follow.
    fs.writeFileSync(path.join(root, 'app/audit.py'), 'async def record(event):\n    return event\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('app/audit.py'), type: 2 }] });
    diags = await client.diagnostics(apiUri, (d) => d.some((x) => x.code === 'AM201' && x.range.start.line === line));
    // Deleted: the finding goes (the name no longer resolves).
    fs.rmSync(path.join(root, 'app/audit.py'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('app/audit.py'), type: 3 }] });
    diags = await client.diagnostics(apiUri, (d) => !d.some((x) => x.code === 'AM201' && x.range.start.line === line));
  });

  it('picks up pyproject.toml changes through file watching', async () => {
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '[tool.async-migrate]\nignore = ["AM401"]\n');
    assert.ok(client.lastDiagnostics(apiUri)!.diagnostics.some((x) => x.code === 'AM401'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('pyproject.toml'), type: 2 }] });
    await client.diagnostics(apiUri, (d) => !d.some((x) => x.code === 'AM401'));
    // Editor settings win over pyproject.toml.
    client.settings = { ignore: [] };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(apiUri, (d) => d.some((x) => x.code === 'AM401'));
    client.settings = {};
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '[tool.async-migrate]\nbogus-key = 1\n');
    const shown = client.messages.length;
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('pyproject.toml'), type: 2 }] });
    await client.waitFor(() => client.messages.slice(shown).find((m) => m.message.includes('tool.async-migrate.bogus-key')), 10000, 'pyproject warning');
  });

  it('refuses a huge or binary document with one warning naming it, and keeps serving', async () => {
    const shown = client.messages.length;
    const big = 'x = 1\n'.repeat(Math.ceil((5 * 1024 * 1024) / 6) + 10);
    const bigUri = await client.open('app/generated.py', big);
    const binUri = await client.open('app/blob.py', 'abc\u0000\u0001def = 1\n');
    await client.waitFor(() => client.messages.length >= shown + 2, 10000, 'refusal warnings');
    const fresh = client.messages.slice(shown).map((m) => m.message);
    assert.ok(fresh.some((m) => m.includes('app/generated.py') && m.includes('5 MB')), fresh.join('\n'));
    assert.ok(fresh.some((m) => m.includes('app/blob.py') && m.includes('binary')), fresh.join('\n'));
    // An edit to the refused document does not warn again: once the server has published (empty)
    // diagnostics for that version, no further warning came (a warning precedes its publish).
    await client.change(bigUri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
    assert.deepStrictEqual(await client.diagnostics(bigUri, () => true, 2), []);
    const status = await client.conn.sendRequest('asyncMigrate/status');
    assert.ok(status);
    assert.strictEqual(client.messages.length, shown + 2);
    // The binary document's own analysis ran (published for its version) and reported nothing.
    assert.deepStrictEqual(await client.diagnostics(binUri, () => true, 1), []);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: bigUri } });
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: binUri } });
  });

  it('clears diagnostics of a closed document and shuts down cleanly', async () => {
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: apiUri } });
    await client.diagnostics(apiUri, (d) => d.length === 0);
    assert.ok(!/Error|exception/i.test(client.logs.filter((l) => l.type === 1).map((l) => l.message).join('\n')), client.logs.map((l) => l.message).join('\n'));
    const code = await client.shutdown();
    assert.strictEqual(code, 0);
  });
});

describe('language server: lazy code action edits and workspace scope', function () {
  this.timeout(60000);
  let root: string;
  let client: LspClient;

  before(async () => {
    root = makeWorkspace(FILES);
  });
  after(async () => {
    if (client && client.proc.exitCode === null) await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('resolves fix-all and migrate edits in codeAction/resolve when the client supports it', async () => {
    client = new LspClient({ root, resolveSupport: true });
    await client.initialize();
    await client.waitIndexed();
    const uri = await client.open('app/api.py', API);
    await client.diagnostics(uri, (d) => d.length > 0);
    const line = API.split('\n').findIndex((l) => l.includes('return db.query'));
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 8 }, end: { line, character: 8 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    const migrate = actions.find((a) => a.kind === 'refactor.rewrite')!;
    assert.strictEqual(migrate.title, 'Migrate this endpoint to async (list_users)');
    assert.strictEqual(migrate.edit, undefined);
    const resolved = (await client.conn.sendRequest('codeAction/resolve', migrate)) as CodeAction;
    const text = applyTextEdits(API, editsFor(resolved.edit, uri).edits);
    assert.match(text, /async def list_users/);
    // Only the handler changed: read_user's sync sleep is untouched.
    assert.match(text, /\n {4}time\.sleep\(1\)/);
  });

  it('publishes diagnostics for closed files with diagnosticsScope "workspace"', async () => {
    await client.shutdown();
    client = new LspClient({ root, settings: { diagnosticsScope: 'workspace' } });
    await client.initialize();
    const apiUri = client.uri('app/api.py');
    const diags = await client.diagnostics(apiUri, (d) => d.length > 0);
    assert.ok(diags.some((d) => d.code === 'AM601'));
    assert.strictEqual(client.lastDiagnostics(apiUri)!.version, undefined);
    // Back to open files only: the closed file's diagnostics are cleared.
    client.settings = {};
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(apiUri, (d) => d.length === 0);
  });

  it('disables analysis with asyncMigrate.enable = false', async () => {
    const uri = await client.open('app/api.py', API);
    await client.diagnostics(uri, (d) => d.length > 0);
    client.settings = { enable: false };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnostics(uri, (d) => d.length === 0);
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 17, character: 4 }, end: { line: 17, character: 4 } }, context: { diagnostics: [] } });
    assert.deepStrictEqual(actions, []);
  });
});
