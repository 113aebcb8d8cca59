// OpenDocument: LSP changes → text, line starts and tree-sitter edits. The incremental tree must
// be the tree a fresh parse gives, and positions must agree with LSP's view of lines.
import * as assert from 'assert';
import { DEFAULT_CONFIG } from '../../../server/src/analysis/config';
import { initParser, parsePython } from '../../../server/src/analysis/parser';
import { computeLineStarts } from '../../../server/src/analysis/source';
import { OpenDocument, pointAt } from '../../../server/src/lsp/document';
import { applyEdit, lspPosition, prng, randomEdit, seedFromEnv } from './random-edits';

const START = [
  'import time',
  'from datetime import datetime',
  '',
  '',
  '@router.get("/users/{user_id}")',
  'async def read_user(user_id: int, db: Session = Depends(get_db)):',
  '    user = db.query(User).filter(User.id == user_id).first()',
  '    time.sleep(1)',
  '    return {"user": user, "at": datetime.utcnow(), "emoji": "😀"}',
  '',
].join('\n');

describe('OpenDocument (incremental parsing)', () => {
  before(async () => {
    await initParser();
  });

  it('computes tree-sitter points in UTF-16 columns with rows split at \\n only', () => {
    const text = 'a = "😀"\r\nb = 1\rc';
    assert.deepStrictEqual(pointAt(text, 0), { row: 0, column: 0 });
    assert.deepStrictEqual(pointAt(text, 9), { row: 0, column: 9 }); // after \r, before \n
    assert.deepStrictEqual(pointAt(text, 10), { row: 1, column: 0 });
    assert.deepStrictEqual(pointAt(text, 17), { row: 1, column: 7 }); // \r alone is not a row break for tree-sitter
    const tree = parsePython(text);
    const b = tree.rootNode.descendantsOfType('identifier').find((n) => n?.text === 'b')!;
    assert.deepStrictEqual(b.startPosition, pointAt(text, b.startIndex));
    tree.delete();
  });

  it('maps LSP positions like the LSP spec (\\r\\n, \\r and \\n end lines; clamped to the line)', () => {
    const doc = new OpenDocument('file:///a.py', 'a.py', 1, 'ab\r\ncd\ref\ngh');
    assert.strictEqual(doc.offsetAt({ line: 1, character: 1 }), 5);
    assert.strictEqual(doc.offsetAt({ line: 2, character: 0 }), 7);
    assert.strictEqual(doc.offsetAt({ line: 0, character: 99 }), 2); // not into the line break
    assert.strictEqual(doc.offsetAt({ line: 9, character: 0 }), doc.text.length);
    assert.deepStrictEqual(doc.positionAt(8), { line: 2, character: 1 });
  });

  it('gives the same tree as a fresh parse after hundreds of random edits', function () {
    const seed = seedFromEnv('AM_FUZZ_SEED', 1337);
    const random = prng(seed);
    const doc = new OpenDocument('file:///w/app/api.py', 'app/api.py', 1, START);
    let text = START;
    doc.file(DEFAULT_CONFIG);
    try {
      for (let step = 1; step <= 600; step++) {
        const edit = randomEdit(text, random);
        const range = { start: lspPosition(text, edit.start), end: lspPosition(text, edit.end) };
        text = applyEdit(text, edit);
        doc.applyChanges([{ range, text: edit.text }], step + 1);
        const context = `seed ${seed} (AM_FUZZ_SEED), step ${step}: ${JSON.stringify(edit)}`;
        assert.strictEqual(doc.text, text, context);
        assert.deepStrictEqual(doc.lineStarts, computeLineStarts(text), context);
        if (step % 3 === 0 || step > 560) {
          const incremental = doc.file(DEFAULT_CONFIG);
          const fresh = parsePython(text);
          try {
            assert.strictEqual(incremental.root.toString(), fresh.rootNode.toString(), `${context}\ntext:\n${text}`);
          } finally {
            fresh.delete();
          }
        }
      }
      assert.ok(doc.incrementalParses > 150);
    } finally {
      doc.dispose();
    }
  });
});
