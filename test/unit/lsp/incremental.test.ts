// Randomized: hundreds of random incremental edits (inserts, deletes, pasted functions, unbalanced
// brackets and quotes, CRLF, emoji) sent through the server's incremental path must give exactly
// the diagnostics of a from-scratch analysis of the same text. Seeded; the seed is printed on
// failure (rerun with AM_FUZZ_SEED=<seed>).
import * as assert from 'assert';
import * as fs from 'fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { initParser, parsePython } from '../../../server/src/analysis/parser';
import { describeTree } from '../../../server/src/lsp/document';
import { LspClient, makeWorkspace } from './client';
import { API, FILES, fromScratch } from './fixture';
import { type RandomEdit, applyEdit, lspPosition, prng, randomEdit, seedFromEnv } from './random-edits';

function applyAll(text: string, edits: RandomEdit[]): string {
  return edits.reduce(applyEdit, text);
}

const show = (d: Diagnostic[]) => d.map((x) => `${x.code}@${x.range.start.line}:${x.range.start.character}-${x.range.end.line}:${x.range.end.character} ${x.message}`).join('\n');

describe('language server: random incremental edits = from-scratch analysis', function () {
  this.timeout(240000);
  let root: string;
  let client: LspClient;

  before(async () => {
    await initParser();
    root = makeWorkspace(FILES);
    client = new LspClient({ root, initializationOptions: { settleDelayMs: 30, dependentsDelayMs: 20 } });
    await client.initialize();
    await client.waitIndexed();
  });

  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('converges on the from-scratch tree when error recovery of an incremental parse differs', async () => {
    // A case found by fuzzing (see document.test.ts): reparsing the edited tree recovers from the
    // syntax errors differently than a fresh parse; the server reparses from scratch once typing stops.
    const before =
      'import ti.uasync def fetch(db, user_id):\n    return await db.get(User, user_id)\nser import get_user\n\nrouter = APIRoutawait outer.get("/users/{user_id}")\nasync def read_user(user_id: int):\n    proasync  = get_user(None, user_id)\n    send_push(user_id)\n    time.sleep(1)\n    stamp = datetime.utcnow()\n    return {"name": profil(e.name, "at": stamp}\n\n\n@rou';
    const inserted = '\n\n@router.get("/x")\nasync def x(db: Session = Depends(get_db)):\n    time.sleep(1)\n    return db.query(User).all()\n';
    const uri = await client.open('app/broken.py', before, 1);
    await client.diagnostics(uri, () => true, 1);
    const at = lspPosition(before, 167);
    await client.change(uri, 2, [{ range: { start: at, end: at }, text: inserted }]);
    await client.diagnostics(uri, () => true, 2);
    const after = before.slice(0, 167) + inserted + before.slice(167);
    const fresh = parsePython(after);
    try {
      const expected = describeTree(fresh.rootNode);
      let last = '';
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        last = ((await client.conn.sendRequest('asyncMigrate/internal/syntaxTree', { uri })) as { nodes: string }).nodes;
        if (last === expected) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.strictEqual(last, expected);
    } finally {
      fresh.delete();
    }
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('400 random edits (with undos): exact on valid code at once, and after settling on broken code', async () => {
    const seed = seedFromEnv('AM_FUZZ_SEED', 20251208);
    const random = prng(seed);
    const uri = await client.open('app/api.py', API, 1);
    await client.diagnostics(uri, () => true, 1);
    let text = API;
    let version = 1;
    let exactChecks = 0;
    let settledChecks = 0;
    const undo: RandomEdit[] = [];
    let currentValid = true;
    const firstPublish = client.published.length;
    const fail = (step: number, why: string, expected: Diagnostic[]) => {
      const last = client.lastDiagnostics(uri);
      assert.fail(`seed ${seed} (rerun with AM_FUZZ_SEED=${seed}), step ${step}: ${why}\npublished (v${last?.version}):\n${show(last?.diagnostics ?? [])}\nfrom scratch:\n${show(expected)}\ntext:\n${text}`);
    };
    for (let step = 1; step <= 400; step++) {
      // Undo is what editors do most after a bad edit: it brings broken code back to valid code
      // through the incremental path. Undo more often while the code is broken.
      const edits: RandomEdit[] = [];
      const undoing = undo.length > 0 && random() < (currentValid ? 0.25 : 0.6);
      if (undoing) edits.push(undo.pop()!);
      else {
        const count = random() < 0.8 ? 1 : 1 + Math.floor(random() * 3);
        for (let k = 0; k < count; k++) edits.push(randomEdit(applyAll(text, edits), random));
      }
      const changes = [];
      const inverses: RandomEdit[] = [];
      for (const edit of edits) {
        changes.push({ range: { start: lspPosition(text, edit.start), end: lspPosition(text, edit.end) }, text: edit.text });
        inverses.push({ start: edit.start, end: edit.start + edit.text.length, text: text.slice(edit.start, edit.end) });
        text = applyEdit(text, edit);
      }
      // Several edits in one change are undone last first (the stack pops the last pushed).
      if (!undoing) undo.push(...inverses);
      version++;
      const published = client.published.length;
      await client.change(uri, version, changes);
      const fresh = parsePython(text);
      const valid = !fresh.rootNode.hasError;
      fresh.delete();
      currentValid = valid;
      if (valid && step % 2 === 0) {
        // Valid code: the very first diagnostics of this version are exact (no settling involved).
        const expected = fromScratch(root, text);
        const first = await client.waitFor(() => client.published.slice(published).find((p) => p.uri === uri && p.version === version), 8000, `diagnostics of v${version}`).catch(() => undefined);
        if (!first) fail(step, `no diagnostics for version ${version}`, expected);
        if (JSON.stringify(first!.diagnostics) !== JSON.stringify(expected)) fail(step, 'first diagnostics of valid code differ from a from-scratch analysis', expected);
        exactChecks++;
      } else if (step % 25 === 0 || step === 400) {
        const expected = fromScratch(root, text);
        const ok = await client
          .waitFor(() => {
            const last = client.lastDiagnostics(uri);
            return last && last.version === version && JSON.stringify(last.diagnostics) === JSON.stringify(expected);
          }, 8000, 'settled diagnostics')
          .catch(() => false);
        if (!ok) fail(step, 'diagnostics never converged on a from-scratch analysis', expected);
        settledChecks++;
      }
    }
    assert.ok(exactChecks >= 20, `only ${exactChecks} checks on valid code (seed ${seed})`);
    assert.ok(settledChecks >= 5, `only ${settledChecks} checks on broken code (seed ${seed})`);
    // Never a stale version: published versions only go up.
    const versions = client.published.slice(firstPublish).filter((p) => p.uri === uri).map((p) => p.version!);
    for (let i = 1; i < versions.length; i++) assert.ok(versions[i] >= versions[i - 1], `version ${versions[i]} published after ${versions[i - 1]}`);
    const tree = (await client.conn.sendRequest('asyncMigrate/internal/syntaxTree', { uri })) as { incrementalParses: number };
    assert.ok(tree.incrementalParses >= 50, `only ${tree.incrementalParses} incremental parses`);
  });
});
