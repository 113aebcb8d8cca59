// An open document's diagnostics reuse those of its last publish (convert.ts DiagnosticReuse):
// always exactly what toDiagnostic gives, the same object only where nothing it shows changed.
// First on findings directly, then over JSON-RPC: edits that move lines, change a message, and a
// new docs base URL.
import * as assert from 'assert';
import * as fs from 'fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { Finding } from '../../../server/src/analysis/types';
import { initParser } from '../../../server/src/analysis/parser';
import { DiagnosticReuse, type ToDiagnosticContext, toDiagnostic } from '../../../server/src/lsp/convert';
import { LspClient, makeWorkspace } from './client';
import { API, FILES, fromScratch } from './fixture';

const context: ToDiagnosticContext = { docsBaseUrl: '', uriOf: (p) => `file:///ws/${p}` };

function finding(line: number, overrides: Partial<Finding> = {}): Finding {
  return {
    path: 'app/api.py',
    code: 'AM601',
    rule: 'blocking-sleep-in-async',
    severity: 'warning',
    message: '`time.sleep()` blocks the event loop',
    start: line * 10,
    end: line * 10 + 5,
    range: { start: { line, character: 4 }, end: { line, character: 9 } },
    ...overrides,
  };
}

const SAFE_FIX = { title: 'use asyncio.sleep', applicability: 'safe' as const, edits: [] };

describe('diagnostics reused from the last publish', () => {
  describe('DiagnosticReuse', () => {
    it('gives what toDiagnostic gives: the same object when nothing moved, a copy with the new range when it moved', () => {
      const reuse = new DiagnosticReuse();
      const before = [finding(1), finding(5, { code: 'AM102', message: 'legacy query', fix: SAFE_FIX }), finding(9)];
      const first = reuse.convert(before, context);
      assert.deepStrictEqual(first, before.map((f) => toDiagnostic(f, context)));
      // A line inserted at line 3: the first finding stays, the others move down (new objects, as the engine makes them).
      const after = [finding(1), finding(6, { code: 'AM102', message: 'legacy query', fix: SAFE_FIX }), finding(10)];
      const second = reuse.convert(after, context);
      assert.deepStrictEqual(second, after.map((f) => toDiagnostic(f, context)));
      assert.strictEqual(second[0], first[0], 'an unmoved diagnostic is the same object');
      assert.notStrictEqual(second[1], first[1]);
      assert.deepStrictEqual(second[1].range, { start: { line: 6, character: 4 }, end: { line: 6, character: 9 } });
      assert.strictEqual(second[1].data, first[1].data, 'the moved copy shares what did not change');
      assert.deepStrictEqual(JSON.stringify(second), JSON.stringify(after.map((f) => toDiagnostic(f, context))), 'same JSON, key order included');
    });

    it('converts again whatever toDiagnostic shows that changed (near misses of the same message)', () => {
      // Every field of a finding (a new one fails to compile here until it is listed), changed from
      // a finding with a fix, or from one without: the result is toDiagnostic's either way.
      const related = [{ path: 'app/other.py', message: 'defined here', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } } }];
      const variants: Record<keyof Finding, Partial<Finding>[]> = {
        path: [{ path: 'app/other.py' }],
        code: [{ code: 'AM602' }],
        rule: [{ rule: 'another-rule' }],
        severity: [{ severity: 'error' }, { severity: 'hint' }],
        message: [{ message: '`time.sleep()` blocks the event loop of `read_user`' }],
        start: [{ start: 3 }],
        end: [{ end: 99 }],
        range: [{ range: { start: { line: 2, character: 0 }, end: { line: 3, character: 1 } } }],
        fix: [{ fix: SAFE_FIX }, { fix: { ...SAFE_FIX, applicability: 'unsafe' } }, { fix: undefined }],
        noFixReason: [{ noFixReason: 'the sleep is in a lambda' }],
        suggestions: [{ suggestions: [SAFE_FIX] }, { suggestions: [SAFE_FIX, SAFE_FIX] }],
        related: [{ related }],
        tags: [{ tags: ['deprecated'] }, { tags: ['unnecessary'] }],
      };
      let shown = 0;
      for (const [field, list] of Object.entries(variants)) {
        for (const variant of list) {
          for (const base of [finding(2), finding(2, { fix: SAFE_FIX, suggestions: [SAFE_FIX], tags: ['unnecessary'] })]) {
            const reuse = new DiagnosticReuse();
            const [old] = reuse.convert([base], context);
            const changed = { ...base, ...variant };
            const [now] = reuse.convert([changed], context);
            const what = `${field}: ${JSON.stringify(variant)} from ${JSON.stringify(base)}`;
            assert.deepStrictEqual(now, toDiagnostic(changed, context), what);
            assert.strictEqual(JSON.stringify(now), JSON.stringify(toDiagnostic(changed, context)), what);
            if (JSON.stringify(now) !== JSON.stringify(old)) shown++;
          }
        }
      }
      assert.ok(shown >= 15, `only ${shown} variants change the diagnostic`);
    });

    it('pairs findings of the same message in document order, one diagnostic each', () => {
      const reuse = new DiagnosticReuse();
      const first = reuse.convert([finding(1), finding(2), finding(3)], context);
      // The middle one is gone: the others keep theirs, the last one's is moved or reused, never shared.
      const second = reuse.convert([finding(1), finding(3)], context);
      assert.deepStrictEqual(second, [finding(1), finding(3)].map((f) => toDiagnostic(f, context)));
      assert.strictEqual(second[0], first[0]);
      assert.notStrictEqual(second[0], second[1]);
    });

    it('links to the new docs base URL when it changes', () => {
      const reuse = new DiagnosticReuse();
      const [old] = reuse.convert([finding(1)], context);
      assert.match(old.codeDescription!.href, /AM601-[\w-]+\.md$/);
      const moved = { ...context, docsBaseUrl: 'https://docs.example.com/rules' };
      const [now] = reuse.convert([finding(1)], moved);
      assert.strictEqual(now.codeDescription!.href, `https://docs.example.com/rules/${old.codeDescription!.href.split('/').pop()}`);
      assert.deepStrictEqual(reuse.convert([finding(1)], context)[0], old);
    });
  });

  describe('over JSON-RPC', function () {
    this.timeout(60000);
    let root: string;
    let client: LspClient;
    let uri: string;
    let text = API;
    let version = 1;
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length - 1;

    before(async () => {
      await initParser();
      root = makeWorkspace(FILES);
      client = new LspClient({ root });
      await client.initialize();
      await client.waitIndexed();
      uri = await client.open('app/api.py', text, version);
      await client.diagnostics(uri, (d) => d.length > 0, version);
    });

    after(async () => {
      await client.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    });

    async function edit(line: number, character: number, deleted: number, inserted: string): Promise<Diagnostic[]> {
      const lines = text.split('\n');
      lines[line] = lines[line].slice(0, character) + inserted + lines[line].slice(character + deleted);
      text = lines.join('\n');
      version++;
      await client.change(uri, version, [{ range: { start: { line, character }, end: { line, character: character + deleted } }, text: inserted }]);
      return client.diagnostics(uri, () => true, version);
    }

    it('moves the diagnostics below an edit that adds lines, and keeps those above', async () => {
      const before = client.lastDiagnostics(uri)!.diagnostics;
      const at = lineOf('@router.get("/users/{user_id}")');
      const after = await edit(at, 0, 0, '# a comment\n# another\n');
      assert.deepStrictEqual(after, fromScratch(root, text));
      const moved = (d: Diagnostic) => (d.range.start.line < at ? d : { ...d, range: { start: { ...d.range.start, line: d.range.start.line + 2 }, end: { ...d.range.end, line: d.range.end.line + 2 } } });
      assert.deepStrictEqual(after, before.map(moved));
      assert.ok(before.some((d) => d.range.start.line > at), 'the fixture has findings below the edit');
    });

    it('republishes the new message of a finding whose message changed', async () => {
      const at = lineOf('def list_users');
      const before = client.lastDiagnostics(uri)!.diagnostics.find((d) => d.code === 'AM702')!;
      assert.match(before.message, /`def list_users`/);
      const after = await edit(at, 'def list_'.length, 'users'.length, 'everyone');
      assert.deepStrictEqual(after, fromScratch(root, text));
      assert.match(after.find((d) => d.code === 'AM702')!.message, /`def list_everyone`/);
    });

    it('republishes the links under a new docs base URL', async () => {
      const published = client.published.length;
      client.settings = { docsBaseUrl: 'https://docs.example.com/rules/' };
      await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const after = await client.waitFor(() => client.published.slice(published).find((p) => p.uri === uri && p.diagnostics.length && p.diagnostics.every((d) => d.codeDescription?.href.startsWith('https://docs.example.com/rules/'))), 15000, 'links under the new base');
      assert.deepStrictEqual(after.diagnostics, fromScratch(root, text, 'https://docs.example.com/rules/'));
      // And typing keeps them there.
      const typed = await edit(lineOf('time.sleep(1)'), 'time.sleep(1)'.length + 4, 0, '  # z');
      assert.deepStrictEqual(typed, fromScratch(root, text, 'https://docs.example.com/rules/'));
    });
  });
});
