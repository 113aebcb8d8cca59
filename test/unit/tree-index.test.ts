// The shared fast paths must answer exactly what the slow tree walks they replace answer:
// TreeIndex (one native traversal per tree) against per-call `descendantsOfType` and `.parent`
// walks, callee names read from the text against the tree, `walk` against a TreeCursor walk, and
// `check`'s single parse per file against parsing again.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { enclosingBodyFunction } from '../../server/src/analysis/fixes/awaiting';
import { initParser, parsePython, type Node } from '../../server/src/analysis/parser';
import { SourceFile, inErrorRegion } from '../../server/src/analysis/source';
import { calledNameOffsets, dottedName, mayBeCalledIn, walk } from '../../server/src/analysis/syntax';
import { treeCache } from '../../server/src/analysis/tree-caches';
import { chunksOf } from '../../server/src/analysis/chunks';
import { analysisChunksFromTree, analysisChunksOf } from '../../server/src/analysis/class-members';
import { statementKeys, textKey } from '../../server/src/analysis/statement-memo';
import { DEFAULT_CONFIG } from '../../server/src/analysis/config';
import { chunkScope } from '../../server/src/analysis/incremental';
import { FileFacts } from '../../server/src/analysis/semantics';
import { collectSuppressions } from '../../server/src/analysis/suppression';
import { WorkspaceIndex } from '../../server/src/analysis/workspace';
import { prng } from './lsp/random-edits';
import { INDEXED_TYPES, TreeIndex } from '../../server/src/analysis/tree-index';
import { checkProject } from '../../server/src/project';

const ROOT = path.resolve(__dirname, '../..');

function pythonFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) pythonFiles(p, out);
    } else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

/** Real files plus broken variants of them (error recovery, missing nodes, truncation). */
function corpus(): string[] {
  const texts = [...pythonFiles(path.join(ROOT, 'examples')), ...pythonFiles(path.join(ROOT, 'test/fixtures'))].map((f) => fs.readFileSync(f, 'utf8'));
  const broken = texts.slice(0, 60).flatMap((t) => [t.slice(0, Math.floor(t.length / 2)), t.replace(/\)/g, ''), t.replace(/:\n/g, '\n')]);
  const odd = [
    'class C:\n    def only(self):\n        return 1\n',
    'x = f(a)(b)\ny = a.b(c).d(e)\nz = a . b (c)\nw = f[0](1)\nv = (g)(h)\nprint(x)\nNone.x()\n"s".join(x)\nq = é.utcnow()\n',
    'x = ' + '('.repeat(400) + '1' + ')'.repeat(400) + '\n',
    'def f(:\n    yield\n',
    // Top-level statements that touch (no line break between them) and an unfinished last one.
    'a = f(1);b = g(2);c = [h(i) for i in j]\nif x: y = k(3); z = lambda: m(4)\nclass D: e = n(5); p = q(6)\nr = s(',
  ];
  return [...texts, ...broken, ...odd];
}

function everyNode(root: Node, visit: (node: Node) => void): void {
  const cursor = root.walk();
  try {
    for (;;) {
      visit(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return;
    }
  } finally {
    cursor.delete();
  }
}

const ids = (nodes: (Node | null)[]) => nodes.map((n) => n!.id).join(',');

const SCOPE_TYPES = ['function_definition', 'lambda', 'class_definition'];
const BLOCKING = ['generator_expression', 'lambda', 'function_definition', 'class_definition'];

/** The index's enclosing scope, innermost blocking ancestor and end offset of node = the tree's. */
function assertAncestorsAndEnd(index: TreeIndex, node: Node): void {
  let scope: Node | undefined;
  for (let p = node.parent; p && !scope; p = p.parent) if (SCOPE_TYPES.includes(p.type)) scope = p;
  assert.strictEqual(index.enclosingScope(node)?.node.id, scope?.id, `scope of ${node.type}@${node.startIndex}`);
  let blocker: Node | undefined;
  for (let p = node.parent; p && !blocker; p = p.parent) if (BLOCKING.includes(p.type)) blocker = p;
  assert.strictEqual(index.innermostAncestor(node, BLOCKING)?.node.id, blocker?.id, `ancestor of ${node.type}@${node.startIndex}`);
  assert.strictEqual(index.endIndexOf(node), node.endIndex);
}

describe('shared fast paths = the walks they replace', function () {
  this.timeout(120000);
  let texts: string[] = [];

  before(async () => {
    await initParser();
    texts = corpus();
  });

  it('TreeIndex: node lists, subtree queries, enclosing scopes and ancestors', () => {
    const subtreeQueries: string[][] = [['call'], ['return_statement'], ['assignment', 'with_statement'], ['yield'], ['as_pattern']];
    for (const text of texts) {
      const tree = parsePython(text);
      try {
        const index = TreeIndex.of(tree);
        for (const type of INDEXED_TYPES) assert.strictEqual(ids(index.nodesOfType(type)), ids(tree.rootNode.descendantsOfType(type)), type);
        let k = 0;
        everyNode(tree.rootNode, (node) => {
          if (k++ % 3 !== 0 && node.startIndex !== node.endIndex) return;
          for (const types of subtreeQueries) assert.strictEqual(ids(index.descendantsOfType(node, types)), ids(node.descendantsOfType(types)), `${types} in ${node.type}@${node.startIndex}`);
          assertAncestorsAndEnd(index, node);
        });
      } finally {
        tree.delete();
      }
    }
  });

  it('TreeIndex per top-level statement = one traversal of the whole tree, whatever is asked first', () => {
    // The index builds a top-level statement's part when a query meets it. Nodes are visited in
    // reverse document order, so statements are built out of order, and root-wide lists are asked
    // last, over a partly built index. Every indexed type inside every node, scopes, ancestors,
    // end offsets and callees must equal native traversals. Example app, fixtures, broken
    // variants and the real-world corpus (test/corpus, every other node).
    const realWorld = pythonFiles(path.join(ROOT, 'test/corpus')).map((f) => fs.readFileSync(f, 'utf8'));
    let queries = 0;
    for (const [n, text] of [...texts, ...realWorld].entries()) {
      const sampled = n >= texts.length;
      const file = new SourceFile('app/x.py', 'app.x', text, parsePython(text));
      try {
        const tree = file.tree;
        const names = tree.language.types;
        const index = TreeIndex.of(tree);
        assert.strictEqual(index.statementsIndexed, 0, 'nothing indexed before a query');
        const nodes: Node[] = [];
        let k = 0;
        everyNode(tree.rootNode, (node) => {
          if (!sampled || k++ % 2 === 0 || node.startIndex === node.endIndex) nodes.push(node);
        });
        for (const node of nodes.reverse()) {
          const inside = node.descendantsOfType(INDEXED_TYPES as string[]).filter((d): d is Node => d !== null);
          for (const type of INDEXED_TYPES) {
            assert.strictEqual(ids(index.descendantsOfType(node, type)), ids(inside.filter((d) => names[d.typeId] === type)), `${type} in ${node.type}@${node.startIndex}`);
            queries++;
          }
          assert.strictEqual(ids(index.descendantsOfType(node, ['assignment', 'with_statement'])), ids(node.descendantsOfType(['assignment', 'with_statement'])));
          assertAncestorsAndEnd(index, node);
          if (node.type === 'call') {
            const fn = node.childForFieldName('function');
            const last = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
            assert.deepStrictEqual(index.callee(node), { dotted: dottedName(fn), last }, JSON.stringify(node.text.slice(0, 60)));
          }
        }
        for (const type of INDEXED_TYPES) assert.strictEqual(ids(index.nodesOfType(type)), ids(tree.rootNode.descendantsOfType(type)), type);
        assert.strictEqual(ids(index.nodesOfType('import_statement', 'import_from_statement')), ids(tree.rootNode.descendantsOfType(['import_statement', 'import_from_statement'])));
        assert.strictEqual(index.statementsIndexed, tree.rootNode.childCount);
      } finally {
        file.dispose();
      }
    }
    assert.ok(queries > 100000, `${queries} queries`);
  });

  it('a query inside one top-level statement indexes that statement only', () => {
    const text = 'import os\n\n\ndef f(a):\n    return g(a)\n\n\nclass C:\n    def m(self):\n        return h(lambda x: x)\n\n\nx = [k(i) for i in y]\n';
    const file = SourceFile.parse('app/x.py', 'app.x', text);
    try {
      const index = TreeIndex.of(file.tree);
      const method = file.root.descendantsOfType('function_definition')[1]!;
      assert.deepStrictEqual(index.descendantsOfType(method, 'call').map((c) => c.text), ['h(lambda x: x)']);
      assert.strictEqual(index.enclosingScope(method)?.node.type, 'class_definition');
      assert.strictEqual(index.statementsIndexed, 1);
      assert.deepStrictEqual(index.nodesOfType('call').map((c) => c.text), ['g(a)', 'h(lambda x: x)', 'k(i)']);
      assert.strictEqual(index.statementsIndexed, 4);
    } finally {
      file.dispose();
    }
  });

  it('scopedNodesOfType = the scope applied to the whole-file list, indexing only the statements in scope', () => {
    const types = ['call', 'await', 'function_definition', 'except_clause'];
    const random = prng(13);
    let checked = 0;
    for (const text of texts.slice(0, 80)) {
      const file = SourceFile.parse('app/x.py', 'app.x', text);
      const whole = SourceFile.parse('app/x.py', 'app.x', text);
      try {
        // The unit of the incremental analysis: top-level statements, class members apart.
        const chunks = analysisChunksOf(file);
        if (chunks.length < 3) continue;
        // A few chunks re-analysed (as after an edit), the others reused.
        const dirty = chunks.filter(() => random() < 0.2);
        if (!dirty.length) dirty.push(chunks[Math.floor(random() * chunks.length)]);
        const scope = chunkScope(dirty, chunks.filter((c) => !dirty.includes(c)));
        const context = { scoped: <T>(nodes: T[], startOf?: (node: T) => number) => scope.filter(nodes, startOf) };
        const facts = new FileFacts(file, new WorkspaceIndex(DEFAULT_CONFIG), DEFAULT_CONFIG);
        const expected = new FileFacts(whole, new WorkspaceIndex(DEFAULT_CONFIG), DEFAULT_CONFIG);
        for (const type of types) {
          assert.deepStrictEqual(
            facts.scopedNodesOfType(context, type).map((n) => `${n.startIndex}:${n.type}`),
            scope.filter(expected.nodesOfType(type)).map((n) => `${n.startIndex}:${n.type}`),
            type,
          );
        }
        // Only the statements meeting the re-analysed chunks (and the lines they share) were indexed.
        const meeting = chunksOf(file).filter((c) => dirty.some((d) => c.start <= d.lineEnd && d.start <= c.lineEnd)).length;
        assert.ok(facts.nodes.statementsIndexed <= meeting, `${facts.nodes.statementsIndexed} statements indexed, ${meeting} in scope`);
        // Without a scope: the whole-file list itself.
        assert.strictEqual(expected.scopedNodesOfType({ scoped: (nodes) => nodes }, 'call'), expected.nodesOfType('call'));
        checked++;
      } finally {
        file.dispose();
        whole.dispose();
      }
    }
    assert.ok(checked > 20, `${checked} files`);
  });

  it('nodesOfTypeMentioning = the whole-file list kept where the node\'s chunk mentions a name', () => {
    const random = prng(17);
    let checked = 0;
    for (const text of texts.slice(0, 80)) {
      const file = SourceFile.parse('app/x.py', 'app.x', text);
      const whole = SourceFile.parse('app/x.py', 'app.x', text);
      try {
        const words = [...new Set(text.match(/[A-Za-z_]\w*/g) ?? [])];
        if (words.length < 5) continue;
        const names = new Set(words.filter(() => random() < 0.05));
        const chunks = analysisChunksOf(whole);
        const mentions = (offset: number) => {
          const c = chunks.find((k) => k.start <= offset && offset <= k.lineEnd);
          return !!c && [...names].some((n) => new RegExp(`(?<![\\w])${n}(?![\\w])`).test(text.slice(c.start, c.lineEnd)));
        };
        const facts = new FileFacts(file, new WorkspaceIndex(DEFAULT_CONFIG), DEFAULT_CONFIG);
        const expected = new FileFacts(whole, new WorkspaceIndex(DEFAULT_CONFIG), DEFAULT_CONFIG);
        for (const type of ['call', 'assignment']) {
          assert.deepStrictEqual(
            facts.nodesOfTypeMentioning(type, names).map((n) => `${n.startIndex}:${n.type}`),
            expected.nodesOfType(type).filter((n) => mentions(n.startIndex)).map((n) => `${n.startIndex}:${n.type}`),
            `${type} mentioning ${[...names].join(', ')}`,
          );
        }
        assert.deepStrictEqual(facts.nodesOfTypeMentioning('call', new Set()), []);
        checked++;
      } finally {
        file.dispose();
        whole.dispose();
      }
    }
    assert.ok(checked > 20, `${checked} files`);
  });

  /** check(file) on versions of the corpus files made by edit(text, random), each parsed afresh. */
  function acrossVersions(files: number, versions: number, seed: number, edit: (text: string, random: () => number) => string, check: (file: SourceFile, context: string) => void): void {
    const random = prng(seed);
    for (const original of texts.slice(0, files)) {
      let text = original;
      for (let step = 0; step < versions; step++) {
        const file = SourceFile.parse('app/x.py', 'app.x', text);
        try {
          check(file, `after ${step} edits of:\n${original.slice(0, 200)}`);
        } finally {
          file.dispose();
        }
        text = edit(text, random);
      }
    }
  }

  // Classes are split into members once per text (class-members.ts): a class moved by an edit
  // above it, or next to a broken one, gets the parts read from its tree.
  it('analysisChunksOf, remembered per class text = read from the tree, across versions', () => {
    const strip = (chunks: ReturnType<typeof analysisChunksOf>) => chunks.map((c) => ({ ...c, header: c.header && { start: c.header.start, end: c.header.end } }));
    // Lines inserted or removed above a class, or a bracket left open.
    const edit = (text: string, random: () => number) => {
      const at = text.indexOf('\n', Math.floor(random() * text.length));
      return at === -1 ? text : text.slice(0, at) + (random() < 0.5 ? '\n# moved' : random() < 0.5 ? '(' : '\n\n') + text.slice(at);
    };
    acrossVersions(80, 4, 20261208, edit, (file, context) => assert.deepStrictEqual(strip(analysisChunksOf(file)), strip(analysisChunksFromTree(file)), context));
  });

  // Versions of one file, then other files (whose common prefix and suffix with the last are short).
  it('statement keys carried over from the last version = hashes of each statement\'s text', () => {
    // An insertion, a deletion, or a character replaced (same extent: only the text tells).
    const edit = (text: string, random: () => number) => {
      const at = Math.floor(random() * text.length);
      const r = random();
      if (r < 0.4) return text.slice(0, at) + (random() < 0.5 ? 'x' : '\n\n') + text.slice(at);
      if (r < 0.6) return text.slice(0, at) + text.slice(at + Math.floor(random() * 40));
      // Near a statement's end (the edge an off-by-one would get wrong).
      const end = text.lastIndexOf('\n', at) - 1;
      return end > 0 ? text.slice(0, end) + (text[end] === 'z' ? 'y' : 'z') + text.slice(end + 1) : text;
    };
    acrossVersions(40, 5, 20261209, edit, (file, context) => {
      const expected = chunksOf(file).map((c) => (c.hasError ? '' : `${c.type}:${textKey(file.text, c.start, c.end)}`));
      assert.deepStrictEqual(statementKeys(file), expected, context);
    });
  });

  it('suppressions found from the text = read from every comment', () => {
    const DIRECTIVE = /#\s*async-migrate:\s*(ignore-file|ignore)(?:\[([^\]]*)\])?/i;
    const directives = ['# async-migrate: ignore', '#async-migrate:ignore[AM101, am2]', '# ASYNC-MIGRATE: ignore-file[AM401]', '# async-migrate:\tignore-file'];
    const random = prng(23);
    let checked = 0;
    for (const text of texts.slice(0, 60)) {
      // Directives at line ends (comments), inside strings (not comments) and at a line's start.
      const lines = text.split('\n').map((l) => (random() < 0.15 ? `${l}  ${directives[Math.floor(random() * directives.length)]}` : random() < 0.05 ? `${l} "${directives[0]}"` : l));
      const edited = lines.join('\n');
      const file = SourceFile.parse('app/x.py', 'app.x', edited);
      try {
        const expected = { lines: new Map<number, Set<string>>(), file: new Set<string>() };
        for (const node of file.root.descendantsOfType('comment')) {
          const m = node && DIRECTIVE.exec(node.text);
          if (!node || !m) continue;
          const codes = m[2] ? m[2].split(',').map((c) => c.trim().toUpperCase()).filter(Boolean) : ['*'];
          const target = m[1].toLowerCase() === 'ignore-file' ? expected.file : expected.lines.get(node.startPosition.row) ?? expected.lines.set(node.startPosition.row, new Set()).get(node.startPosition.row)!;
          codes.forEach((c) => target.add(c));
        }
        assert.deepStrictEqual(collectSuppressions(file), expected);
        if (expected.lines.size) checked++;
      } finally {
        file.dispose();
      }
    }
    assert.ok(checked > 20, `${checked} files`);
  });

  it('callee names read from the text = read from the tree', () => {
    let calls = 0;
    for (const text of texts) {
      const file = new SourceFile('app/x.py', 'app.x', text, parsePython(text));
      try {
        const index = TreeIndex.of(file.tree);
        for (const call of index.nodesOfType('call')) {
          const fn = call.childForFieldName('function');
          const last = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
          assert.deepStrictEqual(index.callee(call), { dotted: dottedName(fn), last }, JSON.stringify(call.text.slice(0, 60)));
          calls++;
        }
      } finally {
        file.dispose();
      }
    }
    assert.ok(calls > 1000);
  });

  it('enclosingBodyFunction and inErrorRegion = their parent walks', () => {
    for (const text of texts) {
      const tree = parsePython(text);
      try {
        let k = 0;
        everyNode(tree.rootNode, (node) => {
          if (k++ % 2 !== 0 && node.startIndex !== node.endIndex) return;
          let expected: Node | undefined;
          let child: Node = node;
          for (let p = node.parent; p; child = p, p = p.parent) {
            if (p.type === 'lambda' || p.type === 'class_definition') break;
            if (p.type === 'function_definition') {
              expected = p.childForFieldName('body')?.id === child.id ? p : undefined;
              break;
            }
          }
          assert.strictEqual(enclosingBodyFunction(node)?.id, expected?.id, `${node.type}@${node.startIndex}`);
          let inError = false;
          for (let n: Node | null = node; n && !inError; n = n.parent) inError = n.type === 'ERROR' || n.isMissing;
          assert.strictEqual(inErrorRegion(node), inError, `${node.type}@${node.startIndex}`);
        });
      } finally {
        tree.delete();
      }
    }
  });

  it('walk visits what a TreeCursor walk visits, in order, and skips subtrees when asked', () => {
    for (const text of texts.slice(0, 80).concat('x = ' + Array(5000).fill('a').join(' + ') + '\n')) {
      const tree = parsePython(text);
      try {
        for (const skip of [undefined, 'call', 'block']) {
          const expected: string[] = [];
          const cursor = tree.rootNode.walk();
          for (let descend = true; ; ) {
            const n = cursor.currentNode;
            if (descend) expected.push(`${n.id}:${n.type}`);
            if (descend && n.type !== skip && cursor.gotoFirstChild()) continue;
            if (cursor.gotoNextSibling()) {
              descend = true;
              continue;
            }
            if (!cursor.gotoParent()) break;
            descend = false;
          }
          cursor.delete();
          const actual: string[] = [];
          walk(tree.rootNode, (n) => {
            actual.push(`${n.id}:${n.type}`);
            return n.type !== skip;
          });
          assert.deepStrictEqual(actual, expected);
        }
      } finally {
        tree.delete();
      }
    }
  });

  it('check parses each file once: same findings as parsing again, and every kept tree is released', async () => {
    const app = path.join(ROOT, 'examples/gym-app');
    const once = await checkProject(app);
    const twice = await checkProject(app, { keepBudgetBytes: 0 });
    assert.ok(once.findings.length > 0);
    assert.deepStrictEqual(once.findings, twice.findings);
    assert.strictEqual(once.project.kept.size, 0);
    const partial = await checkProject(app, { within: (rel) => rel.startsWith('app/api/') });
    assert.deepStrictEqual(partial.findings, once.findings.filter((f) => f.path.startsWith('app/api/')));
    assert.strictEqual(partial.project.kept.size, 0);
  });

  it('mayBeCalledIn and calledNameOffsets never miss a call of a file without syntax errors: every callee last name of the corpus', () => {
    const realWorld = pythonFiles(path.join(ROOT, 'test/corpus')).map((f) => fs.readFileSync(f, 'utf8'));
    // Zero-width blanks tree-sitter skips between a callee and its arguments.
    const blanks = texts.slice(0, 20).map((t, i) => t.replace(/\(/g, ['\u200b(', '\u2060 (', '\ufeff\v('][i % 3]));
    let calls = 0;
    for (const text of [...texts, ...realWorld, ...blanks]) {
      const tree = parsePython(text);
      try {
        // Error recovery builds calls the text does not spell (the rule reads every call there).
        if (tree.rootNode.hasError) continue;
        const offsets = calledNameOffsets(text, () => true);
        const written = new Set(offsets);
        for (const call of tree.rootNode.descendantsOfType('call')) {
          const fn = call?.childForFieldName('function');
          const nameNode = fn?.type === 'identifier' ? fn : fn?.type === 'attribute' ? fn.childForFieldName('attribute') : undefined;
          const last = nameNode?.text;
          if (!last) continue;
          calls++;
          assert.ok(mayBeCalledIn(text, last), `${last} at ${call!.startIndex}: ${call!.text.slice(0, 80)}`);
          if (offsets) assert.ok(written.has(nameNode!.startIndex), `calledNameOffsets misses ${last} at ${nameNode!.startIndex}: ${call!.text.slice(0, 80)}`);
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(calls > 1000, `only ${calls} calls checked`);
    // Near misses: named but not called, or called under a longer name.
    for (const text of ['x = SessionLocal\n', 'x = SessionLocal.kw(1)\n', 'x = MySessionLocal()\n', 'x = SessionLocal_2()\n', 'run(SessionLocal)\n', '']) {
      assert.strictEqual(mayBeCalledIn(text, 'SessionLocal'), false, text);
    }
    assert.deepStrictEqual(calledNameOffsets('a = f(1) + g.h  # c\n(2)\nk = m[0](n)\n', (n) => n !== 'g'), [4, 13, 18]); // 18: the comment's last word before a `(` (a superset is fine)
    assert.strictEqual(calledNameOffsets('é = f(1)\n', () => true), undefined);
    for (const text of ['x = SessionLocal ()\n', 'x = a.SessionLocal\\\n  ()\n', 'x = (SessionLocal  # c\n  ())\n', '(SessionLocal(', 'x = SessionLocal\u2060\v()\n', 'x = SessionLocal\u200b\ufeff()\n']) {
      assert.strictEqual(mayBeCalledIn(text, 'SessionLocal'), true, text);
    }
  });

  it('disposing a file empties the caches of its tree (nothing waits for a full collection)', () => {
    const cache = treeCache<string>();
    const file = SourceFile.parse('app/x.py', 'app.x', 'def f(a):\n    return g(a.b)\n');
    const tree = file.tree;
    cache.set(tree, 'cached');
    const index = TreeIndex.of(tree);
    assert.strictEqual(TreeIndex.of(tree), index);
    file.dispose();
    assert.strictEqual(cache.has(tree), false);
    const other = SourceFile.parse('app/y.py', 'app.y', 'x = 1\n');
    cache.set(other.tree, 'kept');
    file.dispose(); // twice: no effect on other trees
    assert.strictEqual(cache.get(other.tree), 'kept');
    other.dispose();
    assert.strictEqual(cache.has(other.tree), false);
  });
});
