// One native traversal per top-level statement for every node type the engine looks up, shared
// by the summary, FileFacts and the rules. Each `descendantsOfType` call walks its whole subtree
// in wasm (on the root that costs about a quarter of parsing the file), and `node.parent`
// descends from the root in web-tree-sitter 0.25; so the engine asks once for the union of the
// types below and answers "nodes of type T (inside node N)" and "innermost scope around N" from
// offsets. The index of a top-level statement is built when a query first meets it: a keystroke
// that re-analyses one definition indexes that definition, not the file (a root-wide query
// indexes the rest, in one traversal of the tree when most of it is left).
import type { Node, Tree } from './parser';
import { PYTHON_KEYWORDS, dottedName, isIdentifierChar } from './syntax';
import { treeCache } from './tree-caches';
import { firstIndexNotBefore, lastStartingAtOrBefore } from './sorted';

/** The types collected by the single traversal (others fall back to a native query, cached). */
export const INDEXED_TYPES: readonly string[] = [
  'call',
  'assignment',
  'augmented_assignment',
  'function_definition',
  'class_definition',
  'decorated_definition',
  'lambda',
  'await',
  'with_statement',
  'as_pattern',
  'as_pattern_target',
  'for_statement',
  'for_in_clause',
  'except_clause',
  'try_statement',
  'import_statement',
  'import_from_statement',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
  'return_statement',
  'yield',
  'named_expression',
  'global_statement',
  'nonlocal_statement',
];

const INDEXED = new Set(INDEXED_TYPES);

/** Scope-introducing node types of `enclosingScope`. */
const SCOPE_TYPE_LIST: readonly string[] = ['function_definition', 'lambda', 'class_definition'];
export type ScopeType = 'function_definition' | 'lambda' | 'class_definition';
export interface AncestorRef {
  node: Node;
  type: string;
}
export interface ScopeRef extends AncestorRef {
  type: ScopeType;
}
interface AncestorTable {
  refs: AncestorRef[];
  starts: number[];
  ends: number[];
  parent: number[];
}

/** Source text of trees parsed through SourceFile (offsets of their nodes index into it). */
const treeTexts = treeCache<string>();

/** Records the text a tree was parsed from, so callee names can be read from the text. */
export function registerTreeText(tree: Tree, text: string): void {
  treeTexts.set(tree, text);
}

export interface CalleeInfo {
  /** `dottedName(call.function)`: "a.b.f" for identifier/attribute chains, else undefined. */
  dotted: string | undefined;
  /** The callee's last name: an identifier's text, an attribute's attribute (`f` in `x().f()`). */
  last: string | undefined;
}

const DOTTED_CALL = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\(/y;
/** Words that are not plain identifiers in tree-sitter-python's grammar (or might not be). */
const NOT_IDENTIFIERS = new Set([...PYTHON_KEYWORDS, 'match', 'case', 'type', 'print', 'exec']);

/** The indexed nodes of one top-level statement, in document (pre-)order. */
interface Segment {
  readonly nodes: Node[];
  readonly types: string[];
  /** End offsets, read lazily (a wasm call each): most lookups only need a few of them. */
  readonly ends: number[];
  /** Where each indexed node sits in `nodes`, by id (inner nodes only: inlined leaves may share an id). */
  readonly positions: Map<number, number>;
  readonly ancestorTables: Map<string, AncestorTable>;
}

export class TreeIndex {
  /** The root's children (top-level statements), their start offsets and (lazily) end offsets. */
  private readonly statements: Node[];
  private readonly statementStarts: number[];
  private readonly statementEnds: number[];
  /** Per top-level statement: its indexed nodes, built on first use by one native traversal. */
  private readonly segments: (Segment | undefined)[];
  private unbuilt: number;
  /** How many top-level statements are indexed so far (tests, bench). */
  get statementsIndexed(): number {
    return this.statements.length - this.unbuilt;
  }
  /** Root-wide lists by type, once every segment is built. */
  private readonly byType = new Map<string, Node[]>();
  /** Native results for types outside INDEXED_TYPES, on the root. */
  private readonly extra = new Map<string, Node[]>();
  private readonly ancestorKeys = new WeakMap<readonly string[], string>();
  private readonly callees = new Map<number, CalleeInfo>();
  private readonly bodies = new Map<number, { start: number; end: number } | null>();
  private hasError?: boolean;

  private constructor(private readonly tree: Tree) {
    // Only the top-level statements: a keystroke's analysis asks about the one or two it touched.
    this.statements = tree.rootNode.children.filter((n): n is Node => n !== null);
    this.statementStarts = this.statements.map((n) => n.startIndex);
    this.statementEnds = new Array<number>(this.statements.length).fill(-1);
    this.segments = new Array<Segment | undefined>(this.statements.length);
    this.unbuilt = this.statements.length;
  }

  private segment(k: number): Segment {
    return this.segments[k] ?? this.buildSegment(k, this.statements[k].descendantsOfType(INDEXED_TYPES as string[]).filter((n): n is Node => n !== null));
  }

  private buildSegment(k: number, nodes: Node[]): Segment {
    const names = this.tree.language.types;
    const types = nodes.map((n) => names[n.typeId] ?? 'ERROR');
    const positions = new Map<number, number>();
    nodes.forEach((n, i) => {
      if (isHeapNode(n)) positions.set(n.id, i);
    });
    const segment = { nodes, types, ends: new Array<number>(nodes.length).fill(-1), positions, ancestorTables: new Map() };
    this.segments[k] = segment;
    this.unbuilt--;
    return segment;
  }

  private statementEnd(k: number): number {
    let end = this.statementEnds[k];
    if (end < 0) this.statementEnds[k] = end = this.statements[k].endIndex;
    return end;
  }

  /** The last top-level statement starting at or before offset (-1 if none). */
  private lastStartingAtOrBefore(offset: number): number {
    const starts = this.statementStarts;
    return lastStartingAtOrBefore(starts.length, (i) => starts[i], offset);
  }

  /** The offsets of the top-level statement holding a non-empty node that starts at offset (none for the root). */
  statementAround(offset: number): { start: number; end: number } | undefined {
    const k = this.lastStartingAtOrBefore(offset);
    return k < 0 ? undefined : { start: this.statementStarts[k], end: this.statementEnd(k) };
  }

  /** Indexes (ascending) of the top-level statements whose range meets [start, end]. */
  private statementsOverlapping(start: number, end: number): number[] {
    const out: number[] = [];
    for (let k = this.lastStartingAtOrBefore(end); k >= 0 && this.statementEnd(k) >= start; k--) out.push(k);
    return out.reverse();
  }

  /**
   * Indexes every top-level statement. When most are not indexed yet: one native traversal of
   * the whole tree, split by statement (each `descendantsOfType` call has a fixed cost: it
   * converts the type names to symbols), unless two statements touch (a zero-width node at the
   * edge could belong to either).
   */
  indexAll(): void {
    if (this.unbuilt === 0) return;
    const count = this.statements.length;
    let touching = false;
    for (let k = 0; k + 1 < count && !touching; k++) touching = this.statementEnd(k) >= this.statementStarts[k + 1];
    if (this.unbuilt > 8 && !touching) {
      const all = this.tree.rootNode.descendantsOfType(INDEXED_TYPES as string[]);
      const parts: Node[][] = this.statements.map(() => []);
      let k = 0;
      let split = true;
      for (const node of all) {
        if (!node) continue;
        const start = node.startIndex;
        while (k < count && start > this.statementEnd(k)) k++;
        if (k === count || start < this.statementStarts[k]) {
          split = false;
          break;
        }
        parts[k].push(node);
      }
      if (split) parts.forEach((nodes, i) => this.segments[i] ?? this.buildSegment(i, nodes));
    }
    for (let k = 0; k < count; k++) this.segment(k);
  }

  private allSegments(): Segment[] {
    this.indexAll();
    const out: Segment[] = [];
    for (let k = 0; k < this.statements.length; k++) out.push(this.segment(k));
    return out;
  }

  /** Offsets of a function_definition's (or class's) `body` field, cached per node; null without one. */
  bodyRange(definition: Node): { start: number; end: number } | null {
    if (!isHeapNode(definition)) {
      const body = definition.childForFieldName('body');
      return body ? { start: body.startIndex, end: body.endIndex } : null;
    }
    let range = this.bodies.get(definition.id);
    if (range === undefined) {
      const body = definition.childForFieldName('body');
      this.bodies.set(definition.id, (range = body ? { start: body.startIndex, end: body.endIndex } : null));
    }
    return range;
  }

  /** `node.endIndex`, without a wasm call for indexed nodes. */
  endIndexOf(node: Node): number {
    if (isHeapNode(node)) {
      const start = node.startIndex;
      // (statementsOverlapping(start, start), without an array: this runs for most lookups.)
      for (let k = this.lastStartingAtOrBefore(start); k >= 0 && this.statementEnd(k) >= start; k--) {
        const segment = this.segment(k);
        const i = segment.positions.get(node.id);
        if (i !== undefined) return endAt(segment, i);
      }
    }
    return node.endIndex;
  }

  private static readonly cache = treeCache<TreeIndex>();

  /** The index of a tree (built on first use; trees are immutable, so it never goes stale). */
  static of(tree: Tree): TreeIndex {
    let index = TreeIndex.cache.get(tree);
    if (!index) TreeIndex.cache.set(tree, (index = new TreeIndex(tree)));
    return index;
  }

  /** Every node of the given types in the file, in document order (like `root.descendantsOfType`). */
  nodesOfType(...types: string[]): Node[] {
    if (types.length === 1) return this.ofOneType(types[0]);
    if (types.every((t) => INDEXED.has(t))) {
      const wanted = new Set(types);
      const out: Node[] = [];
      for (const segment of this.allSegments()) segment.nodes.forEach((n, i) => wanted.has(segment.types[i]) && out.push(n));
      return out;
    }
    return this.tree.rootNode.descendantsOfType(types).filter((n): n is Node => n !== null);
  }

  private ofOneType(type: string): Node[] {
    if (INDEXED.has(type)) {
      let list = this.byType.get(type);
      if (!list) {
        list = [];
        for (const segment of this.allSegments()) segment.nodes.forEach((n, i) => segment.types[i] === type && list!.push(n));
        this.byType.set(type, list);
      }
      return list;
    }
    let list = this.extra.get(type);
    if (!list) this.extra.set(type, (list = this.tree.rootNode.descendantsOfType(type).filter((n): n is Node => n !== null)));
    return list;
  }

  /** The nodes of indexed types starting in [start, end], in document order (indexes only the statements there). */
  nodesOfTypeStartingIn(type: string | readonly string[], start: number, end: number): Node[] {
    const wanted = typeof type === 'string' ? undefined : new Set(type);
    const out: Node[] = [];
    for (const k of this.statementsOverlapping(start, end)) {
      const { nodes, types } = this.segment(k);
      for (let i = firstAtOrAfter(nodes, start); i < nodes.length && nodes[i].startIndex <= end; i++) if (wanted ? wanted.has(types[i]) : types[i] === type) out.push(nodes[i]);
    }
    return out;
  }

  /** The offsets of the top-level statements whose range meets [start, end], in order. */
  statementsMeeting(start: number, end: number): { start: number; end: number }[] {
    return this.statementsOverlapping(start, end).map((k) => ({ start: this.statementStarts[k], end: this.statementEnd(k) }));
  }

  /** `node.descendantsOfType(types)` (node itself included when it matches), in document order. */
  descendantsOfType(node: Node, types: string | readonly string[]): Node[] {
    const list = typeof types === 'string' ? [types] : types;
    if (!list.every((t) => INDEXED.has(t))) return node.descendantsOfType(list as string[]).filter((n): n is Node => n !== null);
    const start = node.startIndex;
    const end = this.endIndexOf(node);
    const wanted = list.length === 1 ? undefined : new Set(list);
    const out: Node[] = [];
    // Every node starting in [start, end] lies in a top-level statement meeting that range.
    for (const k of this.statementsOverlapping(start, end)) {
      const segment = this.segment(k);
      const { nodes, types: segmentTypes } = segment;
      for (let i = firstAtOrAfter(nodes, start); i < nodes.length; i++) {
        const s = nodes[i].startIndex;
        if (s > end) break;
        if (wanted ? !wanted.has(segmentTypes[i]) : segmentTypes[i] !== list[0]) continue;
        const e = endAt(segment, i);
        if (e > end) continue;
        const candidate = nodes[i];
        // Same range as node, or empty at one of its edges: descendant or a neighbour/ancestor?
        if (candidate.id !== node.id && ((s === start && e === end) || (s === e && (s === start || s === end)))) {
          if (!isDescendant(candidate, node)) continue;
        }
        out.push(candidate);
      }
    }
    return out;
  }

  /**
   * What a call calls, by name (cached per call). In a tree without errors, the innermost call
   * starting at an offset whose text there reads `a.b.f(` calls exactly `a.b.f`: read from the
   * text, no wasm calls. Anything else asks the tree.
   */
  callee(call: Node): CalleeInfo {
    let info = this.callees.get(call.id);
    if (!info) this.callees.set(call.id, (info = this.fastCallee(call) ?? slowCallee(call)));
    return info;
  }

  /** Whether the next call after `call` in document order starts where it starts (undefined: call is not indexed). */
  private nextCallStartsAtSameOffset(call: Node): boolean | undefined {
    if (!isHeapNode(call)) return undefined;
    const start = call.startIndex;
    // A call is never empty: the statement holding it is the last one starting at or before it.
    const k = this.lastStartingAtOrBefore(start);
    const i = k < 0 ? undefined : this.segment(k).positions.get(call.id);
    if (i === undefined) return undefined;
    // Scan on in document order (into the next statements only while they start at or before it).
    for (let m = k, from = i + 1; m < this.statements.length && (m === k || this.statementStarts[m] <= start); m++, from = 0) {
      const { nodes, types } = this.segment(m);
      for (let n = from; n < nodes.length; n++) {
        if (nodes[n].startIndex > start) return false;
        if (types[n] === 'call') return nodes[n].startIndex === start;
      }
    }
    return false;
  }

  private fastCallee(call: Node): CalleeInfo | undefined {
    const text = treeTexts.get(this.tree);
    if (text === undefined) return undefined;
    this.hasError ??= this.tree.rootNode.hasError;
    if (this.hasError) return undefined;
    const sharesStart = this.nextCallStartsAtSameOffset(call);
    if (sharesStart === undefined) return undefined;
    if (sharesStart) {
      // An outer call sharing its start with an inner one (`f(x)(y)`, `a.f(x).g(y)`): its callee
      // contains that call, so it is no dotted name; its last name is the identifier right
      // before the argument list, when a '.' precedes it.
      const args = call.childForFieldName('arguments');
      if (!args) return undefined;
      const end = args.startIndex;
      let k = end;
      while (k > 0 && isIdentifierChar(text.charCodeAt(k - 1))) k--;
      const last = text.slice(k, end);
      if (k === end || text.charCodeAt(k - 1) !== 46 /* . */ || !/^[A-Za-z_]/.test(last) || NOT_IDENTIFIERS.has(last)) return undefined;
      return { dotted: undefined, last };
    }
    DOTTED_CALL.lastIndex = call.startIndex;
    const match = DOTTED_CALL.exec(text);
    if (!match) return undefined;
    const dotted = match[0].slice(0, -1);
    const parts = dotted.split('.');
    if (parts.some((p) => NOT_IDENTIFIERS.has(p))) return undefined;
    return { dotted, last: parts[parts.length - 1] };
  }

  /**
   * The innermost function_definition, lambda or class_definition that is a proper ancestor of
   * node (what a walk up `node.parent` would meet first), or undefined at module level.
   */
  enclosingScope(node: Node): ScopeRef | undefined {
    return this.innermostAncestor(node, SCOPE_TYPE_LIST) as ScopeRef | undefined;
  }

  /**
   * The nearest proper ancestor of node whose type is one of types (all in INDEXED_TYPES), from
   * offsets: a binary search plus a few links instead of a `.parent` walk.
   */
  innermostAncestor(node: Node, types: readonly string[]): AncestorRef | undefined {
    const start = node.startIndex;
    const end = this.endIndexOf(node);
    // Empty nodes at an edge may belong to a neighbour, and unindexed types need the tree: walk up.
    if (start === end) return slowInnermostAncestor(node, types);
    const key = this.ancestorKey(types);
    if (key === undefined) return slowInnermostAncestor(node, types);
    // The ancestors of a non-empty node lie in the one top-level statement holding it: the last
    // one starting at or before it (none holds the root).
    const k = this.lastStartingAtOrBefore(start);
    if (k >= 0 && this.statementEnd(k) >= end) {
      const { starts, ends, parent, refs } = this.ancestorTable(this.segment(k), key, types);
      const found = lastStartingAtOrBefore(starts.length, (i) => starts[i], start);
      // A container of node is an ancestor, in this table, of the last entry starting before node.
      for (let i = found; i >= 0; i = parent[i]) {
        if (!(starts[i] <= start && end <= ends[i]) || refs[i].node.id === node.id) continue;
        // Same range (a class body holding one method): the candidate may be node's child.
        if (starts[i] === start && ends[i] === end && !isDescendant(node, refs[i].node)) continue;
        return refs[i];
      }
    }
    return undefined;
  }

  /** The key of an ancestor table for types, or undefined when one of them is not indexed. */
  private ancestorKey(types: readonly string[]): string | undefined {
    // Callers pass constant arrays: look them up by identity before building a string key.
    let key = this.ancestorKeys.get(types);
    if (key === undefined && types.every((t) => INDEXED.has(t))) this.ancestorKeys.set(types, (key = types.join(',')));
    return key;
  }

  private ancestorTable(segment: Segment, key: string, types: readonly string[]): AncestorTable {
    let table = segment.ancestorTables.get(key);
    if (table) return table;
    const wanted = new Set(types);
    const refs: AncestorRef[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    segment.nodes.forEach((n, i) => {
      if (wanted.has(segment.types[i])) {
        refs.push({ node: n, type: segment.types[i] });
        starts.push(n.startIndex);
        ends.push(endAt(segment, i));
      }
    });
    // Document order is pre-order: an entry's parent is the nearest earlier entry containing it.
    const parent: number[] = [];
    const stack: number[] = [];
    refs.forEach((_, i) => {
      while (stack.length && !(starts[stack[stack.length - 1]] <= starts[i] && ends[i] <= ends[stack[stack.length - 1]])) stack.pop();
      parent.push(stack.length ? stack[stack.length - 1] : -1);
      stack.push(i);
    });
    table = { refs, starts, ends, parent };
    segment.ancestorTables.set(key, table);
    return table;
  }
}

function endAt(segment: Segment, i: number): number {
  let end = segment.ends[i];
  if (end < 0) segment.ends[i] = end = segment.nodes[i].endIndex;
  return end;
}

/** First index of nodes (in document order) starting at or after offset. */
function firstAtOrAfter(nodes: Node[], offset: number): number {
  return firstIndexNotBefore(nodes.length, (i) => nodes[i].startIndex < offset);
}

/**
 * Node ids are subtree addresses, except for small leaves tree-sitter stores inline (their "id"
 * is packed data with the low bit set, and two equal tokens may share it).
 */
function isHeapNode(node: Node): boolean {
  return (node.id & 1) === 0;
}

function slowCallee(call: Node): CalleeInfo {
  const fn = call.childForFieldName('function');
  const type = fn?.type;
  if (type === 'identifier') {
    const name = fn!.text;
    return { dotted: name, last: name };
  }
  if (type === 'attribute') return { dotted: dottedName(fn), last: fn!.childForFieldName('attribute')?.text };
  return { dotted: undefined, last: undefined };
}

function isDescendant(candidate: Node, ancestor: Node): boolean {
  for (let p = candidate.parent; p; p = p.parent) {
    if (p.id === ancestor.id) return true;
    if (p.startIndex < ancestor.startIndex) return false;
  }
  return false;
}

function slowInnermostAncestor(node: Node, types: readonly string[]): AncestorRef | undefined {
  for (let p = node.parent; p; p = p.parent) {
    const type = p.type;
    if (types.includes(type)) return { node: p, type };
  }
  return undefined;
}
