// `await` edits with Python's precedence, where an `await` may be written, and "make this
// function async". Shared by the await/twin rules (AM201–AM205).
//
// Precedence (Python grammar): `await` takes a *primary* and binds tighter than every
// operator but is itself the operand of `**`:  await_primary: 'await' primary;
// power: await_primary ['**' factor]. So `await f().x` awaits `f().x` (we need `(await f()).x`),
// while `not await f()`, `-await f()`, `a + await f()`, `g(*await f())` are fine as written.
// tree-sitter's grammar differs on one point: it parses `await x ** 2` as `await (x ** 2)`;
// Python reads `(await x) ** 2`. We always write the parenthesised form for the left operand of
// `**` and read the unparenthesised one the Python way.
import { scopeMap } from '../callee';
import type { Node } from '../parser';
import type { FileFacts } from '../semantics';
import type { SourceFile } from '../source';
import { decoratorsOf, defKeyword, isAsyncFunction } from '../syntax';
import type { TextEdit } from '../types';
import { ensureModuleImport, moduleImportLocal } from './imports';

function isPowerLeftOperand(expr: Node): boolean {
  const parent = expr.parent;
  return parent?.type === 'binary_operator' && parent.childForFieldName('operator')?.type === '**' && parent.childForFieldName('left')?.id === expr.id;
}

/** True when `await expr` written in place of expr would not await exactly expr. */
export function needsParensForAwait(expr: Node): boolean {
  const parent = expr.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'attribute':
      return parent.childForFieldName('object')?.id === expr.id;
    case 'subscript':
      return parent.childForFieldName('value')?.id === expr.id;
    case 'call':
      return parent.childForFieldName('function')?.id === expr.id;
    case 'binary_operator':
      return isPowerLeftOperand(expr);
    default:
      return false;
  }
}

/** Edits turning expr into `await expr` / `(await expr)`. */
export function insertAwaitEdits(expr: Node): TextEdit[] {
  if (!needsParensForAwait(expr)) return [{ start: expr.startIndex, end: expr.startIndex, newText: 'await ' }];
  return [
    { start: expr.startIndex, end: expr.startIndex, newText: '(await ' },
    { start: expr.endIndex, end: expr.endIndex, newText: ')' },
  ];
}

/** The expression an `await` node awaits, read the Python way (`await x ** 2` awaits x). */
export function awaitedOperand(awaitNode: Node): Node | undefined {
  const child = awaitNode.namedChild(0);
  if (child?.type === 'binary_operator' && child.childForFieldName('operator')?.type === '**') return child.childForFieldName('left') ?? undefined;
  return child ?? undefined;
}

/** True when node's value is awaited (through parentheses), Python's reading. */
export function isAwaitedExpr(node: Node): boolean {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (parent?.type === 'await') return true;
  return isPowerLeftOperand(n) && parent!.parent?.type === 'await';
}

/** Deletes the `await` keyword (and the blanks after it) of an await node. */
export function removeAwaitEdit(awaitNode: Node, text: string): TextEdit {
  const keyword = awaitNode.child(0)!;
  let end = keyword.endIndex;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return { start: keyword.startIndex, end, newText: '' };
}

export type ScopeKind = 'function' | 'lambda' | 'class' | 'module';

export interface AwaitScope {
  kind: ScopeKind;
  /** The scope node (function_definition, lambda, class_definition); undefined at module level. */
  node?: Node;
  isAsync: boolean;
  /** node sits in a generator expression part that runs lazily (not its first iterable). */
  inGenerator: boolean;
}

/**
 * The scope whose body evaluates node: parameter defaults, decorators and annotations belong
 * to the enclosing scope; so does the first iterable of a comprehension.
 */
export function scopeOf(node: Node, facts?: FileFacts): AwaitScope {
  let inGenerator = false;
  if (facts) {
    // Offsets instead of a walk up the tree (faster on big files).
    for (const e of scopeMap(facts).scopesOf(node)) {
      if (e.kind === 'comprehension') {
        if (e.isGeneratorExpression) inGenerator = true;
        continue;
      }
      if (e.kind === 'function') return { kind: 'function', node: e.node, isAsync: e.isAsync, inGenerator };
      return { kind: e.kind, node: e.node, isAsync: false, inGenerator };
    }
    return { kind: 'module', isAsync: false, inGenerator };
  }
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    switch (p.type) {
      case 'generator_expression': {
        const first = p.namedChildren.find((c) => c?.type === 'for_in_clause');
        const firstIterable = first?.childForFieldName('right');
        const inFirstIterable = !!firstIterable && firstIterable.startIndex <= node.startIndex && node.endIndex <= firstIterable.endIndex;
        if (!inFirstIterable) inGenerator = true;
        break;
      }
      case 'lambda':
        if (p.childForFieldName('body')?.id === child.id) return { kind: 'lambda', node: p, isAsync: false, inGenerator };
        break;
      case 'function_definition':
        if (p.childForFieldName('body')?.id === child.id) return { kind: 'function', node: p, isAsync: isAsyncFunction(p), inGenerator };
        break;
      case 'class_definition':
        if (p.childForFieldName('body')?.id === child.id) return { kind: 'class', node: p, isAsync: false, inGenerator };
        break;
    }
  }
  return { kind: 'module', isAsync: false, inGenerator };
}


function isTestFile(path: string): boolean {
  return /(^|\/)tests?\//.test(path) || /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(path);
}

/** The pytest marker a test made async needs, or undefined (not a test, already marked, or the file shows auto mode). */
function pytestMarkerFor(file: SourceFile, fn: Node): string | undefined {
  const name = fn.childForFieldName('name')?.text ?? '';
  if (!name.startsWith('test') || !isTestFile(file.path)) return undefined;
  const marks = (n: Node) => decoratorsOf(n).some((d) => /pytest\.mark\.(asyncio|anyio)|pytest_asyncio/.test(d.text));
  if (marks(fn)) return undefined;
  // A method in a marked test class.
  const holder = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  const cls = holder?.type === 'block' && holder.parent?.type === 'class_definition' ? holder.parent : undefined;
  if (cls && marks(cls)) return undefined;
  if (/^pytestmark\s*=.*(asyncio|anyio)/m.test(file.text)) return undefined;
  // Another async test without a marker: the project runs pytest-asyncio in auto mode.
  if (/^[ \t]*async def test\w*\(/m.test(file.text) && !/pytest\.mark\.(asyncio|anyio)/.test(file.text)) return undefined;
  return file.text.includes('pytest.mark.anyio') ? 'anyio' : 'asyncio';
}

/**
 * Edits making fn `async def` (a test also gets `@pytest.mark.asyncio`, unless the file shows
 * pytest-asyncio's auto mode or uses anyio's marker).
 */
export function makeAsyncEdits(file: SourceFile, fn: Node): TextEdit[] {
  if (isAsyncFunction(fn)) return [];
  const def = defKeyword(fn);
  if (!def) return [];
  const marker = pytestMarkerFor(file, fn);
  if (!marker) return [{ start: def.startIndex, end: def.startIndex, newText: 'async ' }];
  const indent = file.indentAt(def.startIndex);
  const nl = file.text.includes('\r\n') ? '\r\n' : '\n';
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
  const pytestLocal = moduleImportLocal(file, 'pytest') ?? 'pytest';
  const decoratorLine = `@${pytestLocal}.mark.${marker}${nl}${indent}`;
  const edits: TextEdit[] = decorated
    ? [{ start: decorated.startIndex, end: decorated.startIndex, newText: decoratorLine }, { start: def.startIndex, end: def.startIndex, newText: 'async ' }]
    : [{ start: def.startIndex, end: def.startIndex, newText: `${decoratorLine}async ` }];
  const importEdit = ensureModuleImport(file, 'pytest');
  if (importEdit) edits.push(importEdit);
  return edits;
}
