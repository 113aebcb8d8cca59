// Small tree-sitter helpers shared by the summary, semantics and rules.
import type { Node } from './parser';
import { treeCache } from './tree-caches';

/** Python's keywords: words that are never names (soft keywords such as `match` and `type` can be). */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield',
]);

export function children(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/**
 * Pre-order walk over every node (named and anonymous); return false from visit to skip a
 * subtree. One `children` call per inner node (a TreeCursor costs two wasm calls per node), and
 * an explicit stack, so deeply nested expressions cannot overflow the JS stack.
 */
export function walk(node: Node, visit: (node: Node) => boolean | void): void {
  if (visit(node) === false) return;
  const lists: (Node | null)[][] = [node.children];
  const positions: number[] = [0];
  while (lists.length) {
    const top = lists.length - 1;
    const list = lists[top];
    const i = positions[top];
    if (i >= list.length) {
      lists.pop();
      positions.pop();
      continue;
    }
    positions[top] = i + 1;
    const child = list[i];
    if (!child || visit(child) === false) continue;
    lists.push(child.children);
    positions.push(0);
  }
}

/**
 * Dotted names of attribute nodes, per tree (trees are immutable). Keyed by node id, which is
 * only unique for inner nodes: small leaves (identifiers) may share an id, so they are not cached.
 */
const dottedNames = treeCache<Map<number, string | undefined>>();

/** "a.b.c" for identifier/attribute chains, undefined for anything else (calls, subscripts…). */
export function dottedName(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const type = node.type;
  if (type === 'identifier') return node.text;
  if (type === 'attribute') {
    let perTree = dottedNames.get(node.tree);
    if (!perTree) dottedNames.set(node.tree, (perTree = new Map()));
    if (perTree.has(node.id)) return perTree.get(node.id);
    const object = dottedName(node.childForFieldName('object'));
    const attr = object ? node.childForFieldName('attribute') : null;
    const dotted = object && attr ? `${object}.${attr.text}` : undefined;
    perTree.set(node.id, dotted);
    return dotted;
  }
  return undefined;
}

/** Unwraps `(expr)`. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

export function isAwaited(node: Node): boolean {
  let p = node.parent;
  while (p && p.type === 'parenthesized_expression') p = p.parent;
  return p?.type === 'await';
}

/** The function_definition starting exactly at `start` (a summary's `start` of a definition), if any. */
export function functionDefinitionAt(root: Node, start: number): Node | undefined {
  let node: Node | null = root.descendantForIndex(start, start);
  while (node && !(node.type === 'function_definition' && node.startIndex === start)) node = node.parent;
  return node ?? undefined;
}

export function isAsyncFunction(fn: Node): boolean {
  return fn.type === 'function_definition' && fn.firstChild?.type === 'async';
}

/** The `def` keyword token of a function_definition. */
export function defKeyword(fn: Node): Node | undefined {
  for (const c of fn.children) if (c?.type === 'def') return c;
  return undefined;
}

/** Decorators of a function, outermost first. */
export function decoratorsOf(fn: Node): Node[] {
  const parent = fn.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return children(parent).filter((c) => c.type === 'decorator');
}

export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  // Concatenated / f-strings are not static.
  if (node.children.some((c) => c?.type === 'interpolation')) return undefined;
  const content = node.children.filter((c) => c?.type === 'string_content').map((c) => c!.text).join('');
  const start = node.children[0]?.text ?? '';
  if (/[fF]/.test(start)) return undefined;
  return content;
}

/** keyword argument value by name from an argument_list. */
export function keywordArgument(args: Node | null | undefined, name: string): Node | undefined {
  if (!args) return undefined;
  for (const a of children(args)) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

export function positionalArguments(args: Node | null | undefined): Node[] {
  if (!args) return [];
  return children(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
}

/** An ASCII letter, digit or underscore. */
export function isIdentifierChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * False when no call in text can end its callee with `name` (`name(…)`, `x.name(…)`): read from
 * the text alone, true wherever name is followed by an argument list (or a comment, which may
 * stand before one inside brackets).
 */
export function mayBeCalledIn(text: string, name: string): boolean {
  if (!name) return false;
  for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
    if (isIdentifierChar(text.charCodeAt(i - 1))) continue;
    let k = i + name.length;
    while (k < text.length && isBlank(text.charCodeAt(k))) k++;
    if (text[k] === '(' || text[k] === '#') return true;
  }
  return false;
}

/**
 * What a parse without errors may hold between two tokens besides comments: spaces, tabs, form
 * and vertical feeds, line breaks, a line continuation's backslash, and the zero-width characters
 * tree-sitter-python skips (U+2060, U+200B, U+FEFF; other Unicode spaces are errors).
 */
export function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 92 || c === 0x2060 || c === 0x200b || c === 0xfeff;
}

/**
 * The offsets (ascending) of the names in text for which `wanted` holds and that an argument list
 * (or a comment) follows: the only places where a call of a tree without syntax errors may end its
 * callee with one of them (as in mayBeCalledIn). Undefined for text that is not all ASCII (names
 * are read as runs of ASCII identifier characters).
 */
export function calledNameOffsets(text: string, wanted: (name: string) => boolean): number[] | undefined {
  if (/[^\x00-\x7f]/.test(text)) return undefined;
  const offsets: number[] = [];
  // From each `(` and `#` back over blanks to the name before it (far fewer than the names).
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 40 /* ( */ && c !== 35 /* # */) continue;
    let end = i;
    while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
    let start = end;
    while (start > 0 && isIdentifierChar(text.charCodeAt(start - 1))) start--;
    // A name never starts with a digit (`1e5(`).
    while (start < end && text.charCodeAt(start) >= 48 && text.charCodeAt(start) <= 57) start++;
    if (start < end && wanted(text.slice(start, end))) offsets.push(start);
  }
  // Found in the order of what follows the names: a name before a comment before `(` comes twice.
  return offsets.sort((a, b) => a - b);
}
