// AM701's "Open twin" quick fix: the server asks the client to show the async twin module.
import * as assert from 'assert';
import type { CodeAction } from 'vscode-languageserver';
import { LspClient, makeWorkspace } from './client';

describe('LSP: Open twin (AM701)', function () {
  this.timeout(60000);
  let client: LspClient;

  after(async () => {
    await client?.shutdown();
  });

  it('offers "Open twin" on a sync module with an async twin and shows the twin when run', async () => {
    const root = makeWorkspace({
      'app/__init__.py': '',
      'app/services/__init__.py': '',
      'app/services/user.py': '"""Sync user service."""\n\n\nclass UserService:\n    def get_user(self, db, user_id):\n        return None\n\n\nuser_service = UserService()\n',
      'app/services/async_user.py': '"""Async user service."""\n\n\nclass AsyncUserService:\n    async def get_user(self, db, user_id):\n        return None\n\n\nasync_user_service = AsyncUserService()\n',
    });
    client = new LspClient({ root });
    await client.initialize();
    await client.waitIndexed();
    const uri = await client.open('app/services/user.py');
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'AM701'));
    const am701 = diagnostics.find((d) => d.code === 'AM701')!;
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: am701.range,
      context: { diagnostics: [am701], only: ['quickfix'] },
    })) as CodeAction[];
    const open = actions.find((a) => a.title.startsWith('Open twin'));
    assert.ok(open?.command, `no Open twin action among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.match(open.title, /app\/services\/async_user\.py/);
    await client.conn.sendRequest('workspace/executeCommand', { command: open.command.command, arguments: open.command.arguments });
    await client.waitFor(() => client.shownDocuments.length > 0, 10000, 'window/showDocument');
    assert.strictEqual(client.shownDocuments[0].uri, client.uri('app/services/async_user.py'));
    assert.strictEqual(client.shownDocuments[0].takeFocus, true);
  });
});
