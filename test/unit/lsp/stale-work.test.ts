// Never answer stale work (issue 13): a burst of changes publishes diagnostics for its last
// version only, equal to a from-scratch `check` of that text; and code actions and hovers asked
// right after a change that makes the analysis whole-file (a renamed def, an edited import) are
// answered from the statements at the range, exactly as from the complete analysis after it (whose
// diagnostics, reusing what those requests computed, equal a from-scratch `check`).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol';
import { checkProject } from '../../../server/src/project';
import { toDiagnostic } from '../../../server/src/lsp/convert';
import { ANSWERED_REQUEST } from '../../../server/src/lsp/protocol';
import { LspClient, fileUri, makeWorkspace } from './client';
import { API, FILES } from './fixture';
import { lspPosition, prng, seedFromEnv } from './random-edits';

/** api.py made long enough that its analysis takes a while: the endpoints again under other names. */
function longApi(copies: number): string {
  const endpoints = API.slice(API.indexOf('@router.get("/users/{user_id}")'));
  let text = API;
  for (let i = 0; i < copies; i++) text += '\n\n' + endpoints.replace(/def (\w+)\(/g, `def $1_${i}(`).replace(/"\/users/g, `"/v${i}/users`);
  return text;
}

/** The diagnostics `async-migrate check` gives for app/api.py with `text`, on a copy of the workspace. */
async function checkDiagnostics(root: string, text: string) {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'am-stale-check-'));
  try {
    fs.cpSync(root, copy, { recursive: true });
    fs.writeFileSync(path.join(copy, 'app/api.py'), text);
    const { findings } = await checkProject(copy);
    const uriOf = (p: string) => fileUri(path.join(root, ...p.split('/')));
    return findings.filter((f) => f.path === 'app/api.py').map((f) => toDiagnostic(f, { docsBaseUrl: '', uriOf }));
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

describe('language server: never answer stale work', function () {
  this.timeout(120000);

  describe('bursts of changes', () => {
    let root: string;
    let client: LspClient;
    before(async () => {
      root = makeWorkspace(FILES);
      client = new LspClient({ root });
      await client.initialize();
      await client.waitIndexed();
    });
    after(async () => {
      await client.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('publishes no diagnostics for superseded versions, and the last equal a from-scratch check', async () => {
      let text = longApi(200);
      const uri = await client.open('app/api.py', text, 1);
      await client.diagnostics(uri, () => true, 1);
      const firstPublish = client.published.length;
      // Two bursts of edits that make the analysis whole-file (a new import each), the second
      // sent while the server analyses the last version of the first: as when a fast typist
      // outruns the analysis, no version but the last may be published.
      let version = 1;
      const burst = () => {
        for (let i = 0; i < 10; i++) {
          version++;
          const typed = `import mod${version}\n`;
          void client.change(uri, version, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: typed }]);
          text = typed + text;
        }
      };
      burst();
      await new Promise((resolve) => setTimeout(resolve, 100));
      burst();
      const last = version;
      const published = await client.diagnostics(uri, () => true, last);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const versions = client.published.slice(firstPublish).filter((p) => p.uri === uri).map((p) => p.version);
      assert.deepStrictEqual(versions, [last], `published versions ${versions.join(', ')} for bursts ending at ${last}`);
      const expected = await checkDiagnostics(root, text);
      assert.ok(expected.length > 30, `only ${expected.length} findings in the long file`);
      assert.deepStrictEqual(published, expected);
    });
  });

  describe('code actions and hovers at the cursor', () => {
    let root: string;
    let client: LspClient;
    before(async () => {
      root = makeWorkspace(FILES);
      // The analysis waits a while after each change: requests sent meanwhile see the new version unanalysed.
      client = new LspClient({ root, initializationOptions: { editDelayMs: 400 } });
      await client.initialize();
      await client.waitIndexed();
    });
    after(async () => {
      await client.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    });

    /** Edits that change the module's summary or imports, so the analysis after them is whole-file. */
    function wholeFileEdit(text: string, random: () => number): { start: number; end: number; text: string } {
      const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
      const r = random();
      if (r < 0.35) {
        const defs = [...text.matchAll(/^(async )?def (\w+)\(/gm)];
        const m = pick(defs);
        return m[1] ? { start: m.index!, end: m.index! + 6, text: '' } : { start: m.index!, end: m.index!, text: 'async ' };
      }
      if (r < 0.7) {
        const m = pick([...text.matchAll(/def (\w+)\(/g)]);
        const at = m.index! + 4 + m[1].length;
        return { start: at, end: at, text: pick(['_v2', 'x']) };
      }
      return { start: 0, end: 0, text: pick(['import asyncio\n', 'from sqlalchemy.orm import Session\n', 'from app.models import User\n']) };
    }

    it('answers from the statements at the range exactly what the complete analysis answers', async () => {
      const seed = seedFromEnv('AM_FUZZ_SEED', 20261209);
      const random = prng(seed);
      let text = longApi(3);
      const uri = await client.open('app/api.py', text, 1);
      await client.diagnostics(uri, () => true, 1);
      const answered = async () => (await client.conn.sendRequest(ANSWERED_REQUEST)) as { range: number; complete: number };
      const before = await answered();
      let compared = 0;
      let withActions = 0;
      for (let version = 2; version <= 13; version++) {
        const edit = wholeFileEdit(text, random);
        const changes = [{ range: { start: lspPosition(text, edit.start), end: lspPosition(text, edit.end) }, text: edit.text }];
        text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
        await client.change(uri, version, changes);
        // A cursor in a function body (no finding under it) or on a line with findings; a hover.
        const lines = text.split('\n');
        const line = 1 + Math.floor(random() * (lines.length - 2));
        const character = Math.floor(random() * (lines[line].length + 1));
        const cursor = { start: { line, character }, end: { line, character } };
        const ask = () =>
          Promise.all([
            client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: cursor, context: { diagnostics: [] } }) as Promise<CodeAction[]>,
            client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: cursor.start }) as Promise<Hover | null>,
          ]);
        const early = await ask();
        const published = client.published.length;
        const diagnostics = await client.waitFor(() => client.published.slice(published).find((p) => p.uri === uri && p.version === version), 10000, `diagnostics of v${version}`);
        // The analysis took over the file-wide findings the requests computed: still exact.
        assert.deepStrictEqual(diagnostics.diagnostics, await checkDiagnostics(root, text), `seed ${seed}, v${version}: diagnostics differ from a from-scratch check`);
        const late = await ask();
        assert.deepStrictEqual(early, late, `seed ${seed}, v${version}, cursor ${line}:${character}: answered before the analysis differently than after it`);
        compared++;
        if (early[0].length) withActions++;
      }
      const after = await answered();
      assert.ok(compared === 12 && withActions >= 3, `${withActions} of ${compared} cursors had code actions`);
      // The range path answered most of the requests made before the analysis (the others needed the whole file).
      assert.ok(after.range - before.range >= 8, `answered from the range ${after.range - before.range} times of 24 requests`);
    });
  });
});
