// parser.ts changes how web-tree-sitter reads its transfer buffer (32-bit reads and writes from
// the Int32Array view) and keeps a node's type and end offset on the node object. Both must be
// invisible: every node answers what a TreeCursor (another path through the wasm module) reads
// at the same place, on first and later reads, across trees parsed one after the other and
// across the wasm memory growing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { initParser, parsePython, type Node, type Tree } from '../../server/src/analysis/parser';

const ROOT = path.resolve(__dirname, '../..');
/** The fields the engine asks for most, and names that are no field of the grammar. */
const FIELDS = ['name', 'body', 'function', 'arguments', 'object', 'attribute', 'left', 'right', 'value', 'parameters', 'return_type', 'condition', 'alternative', 'no_such_field', ''];

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pythonFiles(p, out);
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

/** Every node of tree with what the cursor says about it, in pre-order. */
function cursorNodes(tree: Tree): { node: Node; type: string; start: number; end: number }[] {
  const out: { node: Node; type: string; start: number; end: number }[] = [];
  const cursor = tree.walk();
  for (;;) {
    out.push({ node: cursor.currentNode, type: cursor.nodeType, start: cursor.startIndex, end: cursor.endIndex });
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return out;
  }
}

describe('parser runtime (transfer buffer and node getters)', function () {
  this.timeout(60_000);
  before(async () => {
    await initParser();
  });

  it('type, endIndex, text, children and field children read the same on every read as through a cursor, valid and broken files', () => {
    const texts = pythonFiles(path.join(ROOT, 'examples/gym-app')).map((f) => fs.readFileSync(f, 'utf8'));
    // Broken variants too: error and missing nodes go through the same getters.
    const all = [...texts, ...texts.slice(0, 10).map((t) => t.replace(/\):/, ')').replace(/"/, ''))];
    let checked = 0;
    for (const text of all) {
      const tree = parsePython(text);
      try {
        for (const { node, type, start, end } of cursorNodes(tree)) {
          for (let read = 0; read < 2; read++) {
            assert.strictEqual(node.type, type);
            assert.strictEqual(node.startIndex, start);
            assert.strictEqual(node.endIndex, end);
            assert.strictEqual(node.text, text.slice(start, end));
          }
          assert.deepStrictEqual(
            node.children.map((c) => [c?.type, c?.startIndex, c?.endIndex]),
            Array.from({ length: node.childCount }, (_, i) => node.child(i)).map((c) => [c?.type, c?.startIndex, c?.endIndex]),
          );
          if (node.isNamed) {
            for (const field of FIELDS) {
              const id = tree.language.fields.indexOf(field);
              const expected = id < 0 ? null : node.childForFieldId(id);
              const actual = node.childForFieldName(field);
              assert.deepStrictEqual(actual && [actual.id, actual.type, actual.startIndex], expected && [expected.id, expected.type, expected.startIndex], `${field} of ${type}`);
            }
          }
          checked++;
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(checked > 10_000, `only ${checked} nodes checked`);
  });

  it('nodes of a tree keep their answers while other trees are parsed and the wasm memory grows', () => {
    const text = fs.readFileSync(pythonFiles(path.join(ROOT, 'examples/gym-app'))[0], 'utf8');
    const tree = parsePython(text);
    const big: Tree[] = [];
    try {
      const expected = cursorNodes(tree).map(({ type, start, end }) => [type, start, end]);
      const nodes = cursorNodes(tree).map((n) => n.node);
      nodes.forEach((n, i) => i % 2 === 0 && n.type); // half of them answered before the growth
      // About 40 MB of trees: more than the module's initial memory.
      const large = Array.from({ length: 3000 }, (_, i) => `def f${i}(a, b):\n    return g(a, b) + [x for x in range(${i})]\n`).join('');
      for (let i = 0; i < 8; i++) big.push(parsePython(large));
      assert.deepStrictEqual(
        nodes.map((n) => [n.type, n.startIndex, n.endIndex]),
        expected,
      );
      assert.deepStrictEqual(
        cursorNodes(tree).map((n) => [n.node.type, n.node.startIndex, n.node.endIndex]),
        expected,
      );
    } finally {
      tree.delete();
      for (const t of big) t.delete();
    }
  });
});
