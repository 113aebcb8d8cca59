// Facts of a top-level statement that follow from its text alone (names it defines, whether it
// holds a construct a rule looks for), remembered across versions of a document. A file-wide
// fact is the union of its statements' facts: a keystroke changes one statement, so only that one
// is read from the new tree and the rest come from the memo — no whole-tree index per keystroke.
// Keyed by the statement's node type and a 64-bit hash of its text and length (not by the text: a key sliced
// from a document would keep that whole version alive). A statement holding a syntax error is
// always read from the tree (its recovery depends on what surrounds it); an error-free one parses
// the same wherever it stands, as the incremental analysis assumes (chunks.ts).
import { type Chunk, changeBetween, chunkStartingAt, chunksOf } from './chunks';
import type { SourceFile } from './source';
import { treeCache } from './tree-caches';

/** A top-level statement (chunks.ts): its offsets, type and whether it holds a syntax error. */
export type StatementRange = Chunk;

/** Two 32-bit string hashes (FNV-1a and a multiplicative one) and the length. */
export function textKey(text: string, start: number, end: number): string {
  let fnv = 0x811c9dc5;
  let mul = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    mul = (Math.imul(mul, 31) + c) | 0;
  }
  return `${end - start}:${fnv >>> 0}:${mul >>> 0}`;
}

/** The keys of a tree's top-level statements, computed once per tree. */
const keysOfTree = treeCache<string[]>();

/**
 * The keys of the last text keyed: a statement lying wholly in the common prefix or suffix of that
 * text and this one has the same text, hence the same key (a keystroke hashes the statement it
 * changed, not the whole file; any two texts give correct keys).
 */
let lastKeys: { text: string; statements: Chunk[]; keys: string[] } | undefined;

/** The key of each top-level statement of file ('' for one with a syntax error): its type and textKey of its text. */
export function statementKeys(file: SourceFile, statements: Chunk[] = chunksOf(file)): string[] {
  let keys = keysOfTree.get(file.tree);
  if (keys) return keys;
  const text = file.text;
  const last = lastKeys;
  const change = last ? changeBetween(last.text, text) : undefined;
  const changeEnd = change ? change.start + change.newText.length : 0;
  const delta = last ? text.length - last.text.length : 0;
  keys = statements.map((s) => {
    if (s.hasError) return '';
    if (last && change) {
      const oldStart = s.end <= change.start ? s.start : s.start >= changeEnd ? s.start - delta : -1;
      if (oldStart >= 0) {
        const k = chunkStartingAt(last.statements, oldStart);
        const old = last.statements[k];
        if (old && old.end - old.start === s.end - s.start && old.type === s.type && last.keys[k]) return last.keys[k];
      }
    }
    // The type too: error recovery can make the same text another node (`X = "a"` a keyword argument).
    return `${s.type}:${textKey(text, s.start, s.end)}`;
  });
  keysOfTree.set(file.tree, keys);
  lastKeys = { text, statements, keys };
  return keys;
}

const loneCarriageReturns = treeCache<boolean>();

/** The tree-sitter row of offset (rows end at `\n` only, LSP lines also at a lone `\r`): where facts remembered relative to their statement are placed. */
export function rowAt(file: SourceFile, offset: number): number {
  let lone = loneCarriageReturns.get(file.tree);
  if (lone === undefined) loneCarriageReturns.set(file.tree, (lone = /\r(?!\n)/.test(file.text)));
  if (!lone) return file.positionAt(offset).line;
  let rows = 0;
  for (let i = file.text.indexOf('\n'); i !== -1 && i < offset; i = file.text.indexOf('\n', i + 1)) rows++;
  return rows;
}

let bypassed = false;

/** f() with every statement's facts read from its tree, none from a memo (tests: a from-scratch reference). */
export function withoutStatementMemos<T>(f: () => T): T {
  const was = bypassed;
  bypassed = true;
  try {
    return f();
  } finally {
    bypassed = was;
  }
}

export class StatementMemo<T> {
  // Two generations bound the memory: when the current one is full it becomes the previous one.
  private current = new Map<string, T>();
  private previous = new Map<string, T>();

  constructor(private readonly limit = 4096) {}

  /** compute(statement) for every top-level statement of file, in order, from the memo where the statement's text was seen before. */
  valuesOf(file: SourceFile, compute: (statement: StatementRange) => T): { statement: StatementRange; value: T }[] {
    const statements = chunksOf(file);
    const keys = bypassed ? statements.map(() => '') : statementKeys(file, statements);
    return statements.map((statement, k) => ({ statement, value: keys[k] ? this.lookup(keys[k], () => compute(statement)) : compute(statement) }));
  }

  private lookup(key: string, compute: () => T): T {
    let value = this.current.get(key);
    if (value !== undefined) return value;
    value = this.previous.get(key);
    if (value === undefined) value = compute();
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    return value;
  }
}
