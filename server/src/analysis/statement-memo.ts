// Facts of a top-level statement that follow from its text alone (names it defines, whether it
// holds a construct a rule looks for), remembered across versions of a document. A file-wide
// fact is the union of its statements' facts: a keystroke changes one statement, so only that one
// is read from the new tree and the rest come from the memo — no whole-tree index per keystroke.
// Keyed by a 64-bit hash of the statement's text and its length (not by the text: a key sliced
// from a document would keep that whole version alive). A statement holding a syntax error is
// always read from the tree (its recovery depends on what surrounds it); an error-free one parses
// the same wherever it stands, as the incremental analysis assumes (chunks.ts).
import { type Chunk, chunksOf } from './chunks';
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

/** The last keyed version of recently edited documents, by path (a few: the open ones being typed in). */
const lastKeyed = new Map<string, { text: string; statements: StatementRange[]; keys: string[] }>();
const LAST_KEYED_LIMIT = 8;

/**
 * The keys of file's top-level statements. A statement whose text the previous version of the
 * same document had at the same offset (before the edit) or at the same distance from the end
 * (after it) keeps that key: comparing two texts natively costs far less than hashing them, so
 * a keystroke hashes the statement it changed, not the file.
 */
function keysOf(file: SourceFile, statements: StatementRange[]): string[] {
  let keys = keysOfTree.get(file.tree);
  if (keys) return keys;
  const text = file.text;
  const last = lastKeyed.get(file.path);
  const byStart = last && new Map(last.statements.map((s, k) => [s.start, k]));
  const delta = last ? text.length - last.text.length : 0;
  const keyOf = (s: StatementRange): string => {
    if (s.hasError) return '';
    if (last) {
      for (const oldStart of delta ? [s.start, s.start - delta] : [s.start]) {
        const k = byStart!.get(oldStart);
        if (k === undefined) continue;
        const old = last.statements[k];
        if (!old.hasError && old.end - old.start === s.end - s.start && last.text.slice(old.start, old.end) === text.slice(s.start, s.end)) return last.keys[k];
      }
    }
    return textKey(text, s.start, s.end);
  };
  keys = statements.map(keyOf);
  keysOfTree.set(file.tree, keys);
  lastKeyed.delete(file.path);
  if (lastKeyed.size >= LAST_KEYED_LIMIT) lastKeyed.delete(lastKeyed.keys().next().value!);
  lastKeyed.set(file.path, { text, statements, keys });
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
    const keys = bypassed ? statements.map(() => '') : keysOf(file, statements);
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
