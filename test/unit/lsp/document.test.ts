// OpenDocument: LSP changes → text, line starts and tree-sitter edits. The incremental tree must
// be the tree a fresh parse gives, and positions must agree with LSP's view of lines.
import * as assert from 'assert';
import { DEFAULT_CONFIG } from '../../../server/src/analysis/config';
import { initParser, parsePython } from '../../../server/src/analysis/parser';
import { computeLineStarts } from '../../../server/src/analysis/source';
import { OpenDocument, describeTree, pointAt } from '../../../server/src/lsp/document';
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

  it('settles a broken incremental tree to exactly the fresh parse', () => {
    // Found by fuzzing: after this edit tree-sitter's error recovery differs between reparsing the
    // edited tree and parsing from scratch.
    const before =
      'import ti.uasync def fetch(db, user_id):\n    return await db.get(User, user_id)\nser import get_user\n\nrouter = APIRoutawait outer.get("/users/{user_id}")\nasync def read_user(user_id: int):\n    proasync  = get_user(None, user_id)\n    send_push(user_id)\n    time.sleep(1)\n    stamp = datetime.utcnow()\n    return {"name": profil(e.name, "at": stamp}\n\n\n@rou';
    const inserted = '\n\n@router.get("/x")\nasync def x(db: Session = Depends(get_db)):\n    time.sleep(1)\n    return db.query(User).all()\n';
    const doc = new OpenDocument('file:///a.py', 'a.py', 1, before);
    doc.file(DEFAULT_CONFIG);
    const at = lspPosition(before, 167);
    doc.applyChanges([{ range: { start: at, end: at }, text: inserted }], 2);
    const after = before.slice(0, 167) + inserted + before.slice(167);
    const fresh = parsePython(after);
    try {
      assert.ok(doc.file(DEFAULT_CONFIG).root.hasError);
      assert.notStrictEqual(describeTree(doc.file(DEFAULT_CONFIG).root), describeTree(fresh.rootNode), 'tree-sitter now recovers identically; pick another case');
      assert.strictEqual(doc.settle(DEFAULT_CONFIG), true);
      assert.strictEqual(describeTree(doc.file(DEFAULT_CONFIG).root), describeTree(fresh.rootNode));
      assert.strictEqual(doc.settle(DEFAULT_CONFIG), false, 'a fresh tree needs no settling');
    } finally {
      fresh.delete();
      doc.dispose();
    }
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
            // Without syntax errors the incremental tree is exactly the fresh one; with errors,
            // tree-sitter's recovery may differ until settle() reparses from scratch.
            if (!incremental.root.hasError) assert.strictEqual(describeTree(incremental.root), describeTree(fresh.rootNode), `${context}\ntext:\n${text}`);
            else {
              assert.ok(fresh.rootNode.hasError, `${context}: errors only in the incremental tree\n${text}`);
              if (step % 9 === 0) {
                doc.settle(DEFAULT_CONFIG);
                assert.strictEqual(doc.parsedIncrementally, false);
                assert.strictEqual(describeTree(doc.file(DEFAULT_CONFIG).root), describeTree(fresh.rootNode), `${context} (after settle)`);
              }
            }
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
