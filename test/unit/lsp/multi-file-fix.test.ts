// Fixes that edit other files, over JSON-RPC: the quick fix of a Query helper with callers in two
// other modules is one WorkspaceEdit over the three documents (the open one at its version, the
// closed ones as on disk, or `changes` for a client without documentChanges), and applying it
// gives exactly what `async-migrate fix` writes on a copy of the workspace. The fix-all source
// action carries the other files' edits too, and a fix is recomputed when another file it edits changed.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeAction, Diagnostic, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { cli, tempWorkspace } from '../cli/workspace';
import { py } from '../helpers';
import { MODELS } from '../rules/orm-models';
import { type ClientOptions, type LspClient, applyTextEdits, clientPool, editsFor } from './client';

const QUERIES = py`
  from sqlalchemy.orm import Session
  from app.models import User

  def active_users(db: Session):
      return db.query(User).filter(User.gym_id == 1)
`;

const LISTING = py`
  from sqlalchemy.orm import Session
  from app.models import User
  from app.queries import active_users

  def names(db: Session):
      return [u.id for u in active_users(db).order_by(User.id).all()]
`;

const STATS = py`
  from sqlalchemy.orm import Session
  from app import queries

  def total(db: Session):
      return queries.active_users(db).count()
`;

const FILES = {
  'app/__init__.py': '',
  'app/db.py': 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n',
  'app/models.py': MODELS,
  'app/queries.py': QUERIES,
  'app/listing.py': LISTING,
  'app/stats.py': STATS,
};

async function codeActions(client: LspClient, uri: string, diagnostic: Diagnostic, only: string[]): Promise<CodeAction[]> {
  return (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only } })) as CodeAction[];
}

/** The texts after applying edit to FILES (each URI's edits to that file's text). */
function applied(client: LspClient, edit: WorkspaceEdit, paths: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of paths) out[rel] = applyTextEdits(FILES[rel as keyof typeof FILES], editsFor(edit, client.uri(rel)).edits);
  return out;
}

describe('LSP: a fix that edits other files (Query helper with callers in two other modules)', function () {
  this.timeout(60000);
  const pool = clientPool();
  const clients = pool.clients;
  let expected: Record<string, string> = {};

  before(async () => {
    // What `async-migrate fix` writes, on a copy of the workspace.
    const dir = tempWorkspace(FILES);
    const run = await cli(dir, ['fix', '--select', 'AM102']);
    assert.strictEqual(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^app\/listing\.py: edited by a fix in app\/queries\.py$/m);
    assert.match(run.stdout, /^app\/queries\.py: fixed 1 \(AM102\)$/m);
    expected = Object.fromEntries(['app/queries.py', 'app/listing.py', 'app/stats.py'].map((rel) => [rel, fs.readFileSync(path.join(dir, rel), 'utf8')]));
    assert.match(expected['app/stats.py'], /return db\.scalar\(select\(func\.count\(\)\)\.select_from\(queries\.active_users\(db\)\.subquery\(\)\)\)/);
  });

  const start = (options: Partial<ClientOptions> = {}, files: Record<string, string> = FILES) => pool.start(files, options);
  after(() => pool.stopAll());

  it('the quick fix is one WorkspaceEdit over the three files, equal to `async-migrate fix`', async () => {
    const client = await start();
    const uri = await client.open('app/queries.py', QUERIES, 4);
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM102'));
    const am102 = diagnostics.find((d) => d.code === 'AM102')!;
    const actions = await codeActions(client, uri, am102, ['quickfix']);
    const fix = actions.find((a) => a.title.startsWith('Return a select() from `active_users`'));
    assert.ok(fix?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.strictEqual(fix.title, 'Return a select() from `active_users` and execute it at its 2 calls, 2 in other files (SQLAlchemy 2.0)');
    const docs = fix.edit.documentChanges as { textDocument: { uri: string; version: number | null } }[];
    assert.deepStrictEqual(docs.map((d) => [d.textDocument.uri, d.textDocument.version]).sort(), [
      [client.uri('app/listing.py'), null],
      [client.uri('app/queries.py'), 4],
      [client.uri('app/stats.py'), null],
    ].sort());
    assert.deepStrictEqual(applied(client, fix.edit, Object.keys(expected)), expected);
  });

  it('edits an open caller as its buffer stands (unsaved text), at its version', async () => {
    const client = clients[0];
    const unsaved = LISTING.replace('def names', '# typed, not saved\ndef names');
    const listingUri = await client.open('app/listing.py', unsaved, 7);
    const uri = client.uri('app/queries.py');
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM102'));
    const actions = await codeActions(client, uri, diagnostics.find((d) => d.code === 'AM102')!, ['quickfix']);
    const fix = actions.find((a) => a.title.startsWith('Return a select() from `active_users`'));
    assert.ok(fix?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
    const listing = editsFor(fix.edit, listingUri);
    assert.strictEqual(listing.version, 7);
    assert.strictEqual(applyTextEdits(unsaved, listing.edits), expected['app/listing.py'].replace('def names', '# typed, not saved\ndef names'));
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: listingUri } });
  });

  it('the safe fix-all (resolved lazily) makes a plain def async and awaits its caller in another module, as `async-migrate fix` does', async () => {
    const files = {
      ...FILES,
      'app/queries.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.models import User\n\ndef oldest(db: AsyncSession):\n    return db.query(User).order_by(User.id).first()\n',
      'app/listing.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.queries import oldest\n\nasync def first_id(db: AsyncSession):\n    return oldest(db).id\n',
      'app/stats.py': '',
    };
    const dir = tempWorkspace(files);
    const run = await cli(dir, ['fix']);
    assert.strictEqual(run.code, 0, run.stdout + run.stderr);
    const cliTexts = Object.fromEntries(['app/queries.py', 'app/listing.py'].map((rel) => [rel, fs.readFileSync(path.join(dir, rel), 'utf8')]));
    assert.match(cliTexts['app/listing.py'], /return \(await oldest\(db\)\)\.id/);
    const client = await start({ resolveSupport: true }, files);
    const uri = await client.open('app/queries.py');
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM101'));
    const actions = await codeActions(client, uri, diagnostics.find((d) => d.code === 'AM101')!, ['source.fixAll']);
    const fixAll = actions.find((a) => a.title === 'Fix all safe async-migrate findings');
    assert.ok(fixAll && !fixAll.edit && fixAll.data, 'the fix-all edit is left to codeAction/resolve');
    const resolved = (await client.conn.sendRequest('codeAction/resolve', fixAll)) as CodeAction;
    assert.ok(resolved.edit);
    const texts = Object.fromEntries(['app/queries.py', 'app/listing.py'].map((rel) => [rel, applyTextEdits(files[rel as keyof typeof files], editsFor(resolved.edit, client.uri(rel)).edits)]));
    assert.deepStrictEqual(texts, cliTexts);
  });

  it('without documentChanges support: `changes` keyed by URI, the same result', async () => {
    const client = await start({
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, workspaceEdit: { documentChanges: false }, applyEdit: true },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: {}, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } } },
      },
    });
    const uri = await client.open('app/queries.py');
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM102'));
    const actions = await codeActions(client, uri, diagnostics.find((d) => d.code === 'AM102')!, ['quickfix']);
    const fix = actions.find((a) => a.title.startsWith('Return a select() from `active_users`'));
    assert.ok(fix?.edit?.changes && !fix.edit.documentChanges);
    assert.deepStrictEqual(Object.keys(fix.edit.changes).sort(), ['app/listing.py', 'app/queries.py', 'app/stats.py'].map((rel) => client.uri(rel)).sort());
    assert.deepStrictEqual(applied(client, fix.edit, Object.keys(expected)), expected);
  });

  it('is recomputed when another file it edits changed since the analysis (never stale edits)', async () => {
    const client = clients[0];
    const root = client.options.root;
    const uri = client.uri('app/queries.py');
    const edited = STATS.replace('def total', '# edited\ndef total');
    // The server is not told (no watched-file event): the fix's basis for app/stats.py no longer matches.
    fs.writeFileSync(path.join(root, 'app/stats.py'), edited);
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM102'));
    const actions = await codeActions(client, uri, diagnostics.find((d) => d.code === 'AM102')!, ['quickfix']);
    const fix = actions.find((a) => a.title.startsWith('Return a select() from `active_users`'));
    assert.ok(fix?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
    const stats = applyTextEdits(edited, editsFor(fix.edit, client.uri('app/stats.py')).edits);
    assert.match(stats, /\n# edited\ndef total\(db: Session\):\n    return db\.scalar\(select\(func\.count\(\)\)\.select_from\(queries\.active_users\(db\)\.subquery\(\)\)\)\n$/);
    fs.writeFileSync(path.join(root, 'app/stats.py'), STATS);
  });
});
