// Language server edge cases over JSON-RPC: files skipped while indexing, untitled documents and
// files outside the workspace, clients without workspace/configuration, two workspace folders.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, fileUri, makeWorkspace } from './client';

const UTC = 'from datetime import datetime\n\nstamp = datetime.utcnow()\n';

describe('language server edge cases', function () {
  this.timeout(60000);
  const cleanup: string[] = [];
  let client: LspClient | undefined;

  afterEach(async () => {
    if (client && client.proc.exitCode === null) await client.shutdown();
    client = undefined;
  });
  after(() => cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('status says whether an async session dependency exists (the walkthrough completes its step 2 from it)', async () => {
    const missing = makeWorkspace({ 'app/__init__.py': '', 'app/db.py': 'from sqlalchemy.orm import Session\n\n\ndef get_db() -> Session:\n    ...\n' });
    const present = makeWorkspace({ 'app/__init__.py': '', 'app/db.py': 'from sqlalchemy.ext.asyncio import AsyncSession\n\n\nasync def get_async_db() -> AsyncSession:\n    ...\n' });
    cleanup.push(missing, present);
    for (const [root, expected] of [[missing, false], [present, true]] as const) {
      client = new LspClient({ root });
      await client.initialize();
      await client.waitIndexed();
      const status = (await client.conn.sendRequest('asyncMigrate/status')) as { folders: { asyncInfrastructure?: boolean }[] };
      assert.strictEqual(status.folders[0].asyncInfrastructure, expected);
      await client.shutdown();
    }
  });

  it('skips huge and binary files while indexing, naming them once, and indexes the rest', async () => {
    const root = makeWorkspace({ 'app/__init__.py': '', 'app/a.py': UTC, 'app/blob.py': 'x = 1\n' });
    cleanup.push(root);
    fs.writeFileSync(path.join(root, 'app/blob.py'), Buffer.from([0x78, 0x00, 0x01, 0x02]));
    fs.writeFileSync(path.join(root, 'app/huge.py'), '# filler\n'.repeat(600_000)); // 5.4 MB
    client = new LspClient({ root });
    await client.initialize();
    await client.waitIndexed();
    const warning = await client.waitFor(() => client!.messages.find((m) => m.message.includes('skipped')), 10000, 'a skipped-files warning');
    assert.strictEqual(warning.type, 2);
    assert.match(warning.message, /skipped 2 files in am-lsp-\w+: app\/blob\.py \(binary file \(contains NUL bytes\)\), app\/huge\.py \(file is 5\.1 MB, above the 5 MB limit\)/);
    assert.strictEqual(client.messages.length, 1);
    const status = (await client.conn.sendRequest('asyncMigrate/status')) as { filesIndexed: number; filesTotal: number; folders: { skipped: number }[] };
    assert.deepStrictEqual([status.filesIndexed, status.filesTotal, status.folders[0].skipped], [4, 4, 2]);
    // The server still works.
    const uri = await client.open('app/a.py');
    const diags = await client.diagnostics(uri, (d) => d.length > 0);
    assert.deepStrictEqual(diags.map((d) => d.code), ['AM401']);
  });

  it('analyses untitled documents and files outside every workspace folder', async () => {
    const root = makeWorkspace({ 'app/a.py': 'x = 1\n' });
    const outside = makeWorkspace({ 'loose.py': UTC });
    cleanup.push(root, outside);
    client = new LspClient({ root });
    await client.initialize();
    await client.waitIndexed();
    const untitled = 'untitled:Untitled-1';
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: untitled, languageId: 'python', version: 1, text: UTC } });
    assert.deepStrictEqual((await client.diagnostics(untitled, (d) => d.length > 0, 1)).map((d) => d.code), ['AM401']);
    const looseUri = fileUri(path.join(outside, 'loose.py'));
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: looseUri, languageId: 'python', version: 3, text: UTC } });
    const diags = await client.diagnostics(looseUri, (d) => d.length > 0, 3);
    assert.deepStrictEqual(diags.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`), ['AM401@2:8']);
    // Code actions work there too.
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: untitled }, range: diags[0].range, context: { diagnostics: [] } })) as { title: string }[];
    assert.ok(actions.some((a) => a.title.startsWith('Replace with datetime.now(timezone.utc)')), actions.map((a) => a.title).join());
  });

  it('re-indexes when extend-exclude changes in the editor settings (files leave and come back)', async () => {
    const root = makeWorkspace({ 'app/__init__.py': '', 'app/a.py': UTC, 'scripts/one_off.py': UTC });
    cleanup.push(root);
    client = new LspClient({ root });
    await client.initialize();
    await client.waitIndexed();
    const filesTotal = async () => ((await client!.conn.sendRequest('asyncMigrate/status')) as { filesTotal: number }).filesTotal;
    const until = async (n: number, what: string) => {
      const deadline = Date.now() + 15000;
      while ((await filesTotal()) !== n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    assert.strictEqual(await filesTotal(), 3);
    client.settings = { extendExclude: ['scripts/**'] };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await until(2, 'scripts/ to leave the index');
    client.settings = {};
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await until(3, 'scripts/ to come back');
  });

  it('takes settings pushed with didChangeConfiguration when the client has no workspace/configuration', async () => {
    const root = makeWorkspace({ 'app/a.py': UTC });
    cleanup.push(root);
    client = new LspClient({ root, capabilities: { window: { workDoneProgress: true }, workspace: {} }, initializationOptions: { settings: { asyncMigrate: { select: ['AM4'] } } } });
    await client.initialize();
    assert.deepStrictEqual(client.configurationRequests, []);
    const uri = await client.open('app/a.py');
    await client.diagnostics(uri, (d) => d.length === 1);
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { asyncMigrate: { ignore: ['AM401'] } } });
    await client.diagnostics(uri, (d) => d.length === 0);
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { asyncMigrate: { ignore: ['nope'] } } });
    const warning = await client.waitFor(() => client!.messages.find((m) => m.message.includes('asyncMigrate.ignore')), 10000, 'a warning');
    assert.match(warning.message, /not rule codes: nope/);
    assert.deepStrictEqual(client.configurationRequests, []);
  });

  it('keeps one index and configuration per workspace folder', async () => {
    const a = makeWorkspace({ 'pyproject.toml': '[tool.async-migrate]\nignore = ["AM401"]\n', 'svc.py': 'async def fetch():\n    return 1\n', 'api.py': 'from svc import fetch\n' + UTC + '\n\nasync def h():\n    fetch()\n' });
    const b = makeWorkspace({ 'svc.py': 'def fetch():\n    return 1\n', 'api.py': 'from svc import fetch\n' + UTC + '\n\nasync def h():\n    fetch()\n' });
    cleanup.push(a, b);
    client = new LspClient({ root: a });
    // Two folders: initialize through the connection directly.
    await client.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: fileUri(a),
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, window: { workDoneProgress: true } },
      workspaceFolders: [
        { uri: fileUri(a), name: 'a' },
        { uri: fileUri(b), name: 'b' },
      ],
    });
    await client.conn.sendNotification('initialized', {});
    await client.waitFor(() => client!.progress.filter((p) => p.value.kind === 'end').length === 2, 20000, 'both folders indexed');
    const uriA = fileUri(path.join(a, 'api.py'));
    const uriB = fileUri(path.join(b, 'api.py'));
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriA, languageId: 'python', version: 1, text: fs.readFileSync(path.join(a, 'api.py'), 'utf8') } });
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriB, languageId: 'python', version: 1, text: fs.readFileSync(path.join(b, 'api.py'), 'utf8') } });
    // a: fetch is async (AM201), AM401 ignored by a's pyproject. b: fetch is sync, AM401 reported.
    assert.deepStrictEqual((await client.diagnostics(uriA, (d) => d.length > 0, 1)).map((d) => d.code), ['AM201']);
    assert.deepStrictEqual((await client.diagnostics(uriB, (d) => d.length > 0, 1)).map((d) => d.code), ['AM401']);
    const status = (await client.conn.sendRequest('asyncMigrate/status')) as { folders: { filesIndexed: number }[] };
    assert.deepStrictEqual(status.folders.map((f) => f.filesIndexed), [2, 2]);
  });

  it('offers suggestions as extra (not preferred) quick fixes and maps related information to URIs', async () => {
    const root = makeWorkspace({
      'app/__init__.py': '',
      'app/svc.py': 'import asyncio\n\n\ndef fetch():\n    await asyncio.sleep(1)\n    return 1\n',
      'app/api.py': 'import logging\n\nfrom app.svc import fetch\n\n\nasync def handler():\n    try:\n        return fetch()\n    except Exception:\n        pass\n',
    });
    cleanup.push(root);
    client = new LspClient({ root });
    await client.initialize();
    await client.waitIndexed();
    const api = await client.open('app/api.py');
    const swallow = (await client.diagnostics(api, (d) => d.some((x) => x.code === 'AM501'))).find((d) => d.code === 'AM501')!;
    assert.match(swallow.message, /\(no automatic fix: .+\)$/);
    assert.deepStrictEqual((swallow.data as { suggestions?: number }).suggestions! > 0, true);
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: api }, range: swallow.range, context: { diagnostics: [swallow] } })) as { title: string; isPreferred?: boolean; kind: string }[];
    const suggestion = actions.find((a) => a.title.startsWith('Log the exception and re-raise'));
    assert.ok(suggestion, actions.map((a) => a.title).join(' | '));
    assert.strictEqual(suggestion.kind, 'quickfix');
    assert.notStrictEqual(suggestion.isPreferred, true);
    assert.match(suggestion.title, /\(unsafe\)$/);
    // AM205 in svc.py points at the caller in api.py.
    const svc = await client.open('app/svc.py');
    const awaitInSync = (await client.diagnostics(svc, (d) => d.some((x) => x.code === 'AM205'))).find((d) => d.code === 'AM205')!;
    assert.ok(awaitInSync.relatedInformation?.length, 'no related information');
    assert.ok(awaitInSync.relatedInformation!.some((r) => r.location.uri === client!.uri('app/api.py') && r.location.range.start.line === 2 && /imports `fetch`/.test(r.message)), JSON.stringify(awaitInSync.relatedInformation));
  });
});
