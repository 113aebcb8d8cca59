// "Set up async infrastructure" over JSON-RPC: offered as a quick fix on AM103 while the workspace
// has no async session dependency (one WorkspaceEdit over every file it touches, open or not),
// not offered once one exists, and run as a workspace command through workspace/applyEdit.
import * as assert from 'assert';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { py } from '../helpers';
import { TUTORIAL_MAIN } from '../infrastructure/plumbing';
import { type LspClient, applyTextEdits, clientPool, editsFor } from './client';

const DATABASE = py`
  from sqlalchemy import create_engine
  from sqlalchemy.orm import sessionmaker

  engine = create_engine("sqlite:///./app.db", connect_args={"check_same_thread": False})
  SessionLocal = sessionmaker(bind=engine)
`;

const MAIN = TUTORIAL_MAIN;

async function quickFixes(client: LspClient, uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } })) as CodeAction[];
}

describe('LSP: Set up async infrastructure', function () {
  this.timeout(60000);
  const pool = clientPool();
  const clients = pool.clients;
  const start = (files: Record<string, string>) => pool.start({ 'app/__init__.py': '', ...files });
  after(() => pool.stopAll());

  it('is the quick fix of AM103 while no async dependency exists: one edit over the open and the closed file', async () => {
    const client = await start({ 'app/database.py': DATABASE, 'app/main.py': MAIN });
    const mainUri = await client.open('app/main.py', MAIN, 3);
    const diagnostics = await client.diagnostics(mainUri, (d) => d.some((x) => x.code === 'AM103'));
    const am103 = diagnostics.find((d) => d.code === 'AM103')!;
    assert.match(am103.message, /no async session dependency exists yet: run "Set up async infrastructure" first \(no automatic fix: `get_async_db` does not exist yet; /);
    const actions = await quickFixes(client, mainUri, am103);
    const setUp = actions.find((a) => a.title === 'Set up async infrastructure');
    assert.ok(setUp?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(!actions.some((a) => /^Use AsyncSession/.test(a.title)), 'no AM103 line fix without an async dependency');
    // The open document is edited at its version, the closed one as on disk (version null).
    const main = editsFor(setUp.edit, mainUri);
    const database = editsFor(setUp.edit, client.uri('app/database.py'));
    assert.strictEqual(main.version, 3);
    assert.strictEqual(database.version, null);
    assert.strictEqual(setUp.edit.documentChanges?.length, 2);
    const newMain = applyTextEdits(MAIN, main.edits);
    const newDatabase = applyTextEdits(DATABASE, database.edits);
    assert.match(newMain, /^from app\.database import SessionLocal, AsyncSessionLocal$/m);
    assert.match(newMain, /\nasync def get_async_db\(\) -> AsyncIterator\[AsyncSession\]:\n/);
    assert.match(newDatabase, /^async_engine = create_async_engine\("sqlite\+aiosqlite:\/\/\/\.\/app\.db", connect_args=\{"check_same_thread": False\}\)$/m);
    assert.match(newDatabase, /^AsyncSessionLocal = sessionmaker\(bind=async_engine, class_=AsyncSession, expire_on_commit=False\)$/m);
  });

  it('runs as a workspace command: one workspace/applyEdit labelled with the action', async () => {
    const client = clients[0];
    const result = (await client.conn.sendRequest('workspace/executeCommand', { command: 'asyncMigrate.setUpAsyncInfrastructure', arguments: [{ uri: client.uri('app/main.py') }] })) as { applied: boolean; files: string[]; messages: string[] };
    assert.strictEqual(result.applied, true);
    assert.deepStrictEqual(result.files, ['app/database.py', 'app/main.py']);
    assert.strictEqual(client.applyEdits.length, 1);
    assert.strictEqual(client.applyEdits[0].label, 'Set up async infrastructure');
    assert.strictEqual(client.applyEdits[0].edit.documentChanges?.length, 2);
    assert.match(result.messages[0], /^async session: added `async_engine` \(sqlite\+aiosqlite\)/);
  });

  it('is not offered once an async session dependency exists (AM103 then names the configuration instead)', async () => {
    const client = await start({ 'app/database.py': DATABASE, 'app/main.py': MAIN, 'app/async_deps.py': 'async def get_async_session():\n    yield None\n' });
    const mainUri = await client.open('app/main.py');
    const diagnostics = await client.diagnostics(mainUri, (d) => d.some((x) => x.code === 'AM103'));
    const am103 = diagnostics.find((d) => d.code === 'AM103')!;
    assert.doesNotMatch(am103.message, /Set up async infrastructure/);
    const actions = await quickFixes(client, mainUri, am103);
    assert.ok(!actions.some((a) => a.title === 'Set up async infrastructure'), actions.map((a) => a.title).join(' | '));
    const result = (await client.conn.sendRequest('workspace/executeCommand', { command: 'asyncMigrate.setUpAsyncInfrastructure', arguments: [{ uri: mainUri }] })) as { applied: boolean; reason: string };
    assert.strictEqual(result.applied, false);
    assert.match(result.reason, /already present: app\.async_deps\.get_async_session/);
    assert.strictEqual(client.applyEdits.length, 0);
  });

  it('without a usable session module, the action explains what it looked for instead of editing', async () => {
    const odd = MAIN.replace('from app.database import SessionLocal', 'from app.database import make_session as SessionLocal');
    const client = await start({ 'app/database.py': 'def make_session():\n    return None\n', 'app/main.py': odd });
    const mainUri = await client.open('app/main.py');
    const diagnostics = await client.diagnostics(mainUri, (d) => d.some((x) => x.code === 'AM103'));
    const actions = await quickFixes(client, mainUri, diagnostics.find((d) => d.code === 'AM103')!);
    const setUp = actions.find((a) => a.title === 'Set up async infrastructure');
    assert.ok(setUp && !setUp.edit && setUp.command, 'offered as a command that explains');
    const result = (await client.conn.sendRequest('workspace/executeCommand', { command: setUp.command.command, arguments: setUp.command.arguments })) as { applied: boolean; reason: string };
    assert.strictEqual(result.applied, false);
    assert.match(result.reason, /could not set up the async session: `app\/main\.py` `get_db` opens no session/);
    await client.waitFor(() => client.messages.find((m) => /could not set up the async session/.test(m.message)), 10000, 'window/showMessage');
  });
});
