// An open document with incremental tree-sitter parsing: each LSP content change is applied to
// the text and, as a tree-sitter edit, to the last tree; the next parse reuses the edited tree.
// Offsets and tree-sitter columns are UTF-16 code units (web-tree-sitter parses JS strings as
// UTF-16); tree-sitter rows count '\n' only, so points come from the text (source.ts pointAt), not from LSP lines.
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { AsyncMigrateConfig } from '../analysis/config';
import { parseSource } from '../analysis/engine';
import type { Edit, Tree } from '../analysis/parser';
import { advancePoint, computeLineStarts, pointAt, positionAt, type SourceFile } from '../analysis/source';
import type { Position } from '../analysis/types';

export { pointAt };

/** LSP position → offset, with LSP's line breaks (\n, \r\n, \r) and clamping like vscode-languageserver-textdocument. */
export function offsetAt(lineStarts: number[], text: string, position: Position): number {
  if (position.line >= lineStarts.length) return text.length;
  if (position.line < 0) return 0;
  const lineStart = lineStarts[position.line];
  let lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : text.length;
  // The character may not point into the line break.
  while (lineEnd > lineStart && (text.charCodeAt(lineEnd - 1) === 10 || text.charCodeAt(lineEnd - 1) === 13)) lineEnd--;
  return Math.max(lineStart, Math.min(lineStart + Math.max(0, position.character), lineEnd));
}

export class OpenDocument {
  private text_: string;
  private lineStarts_: number[];
  /** Tree of the last parse, edited by every change since (owned here). */
  private tree: Tree | undefined;
  /** The parsed file for the current text, when up to date. */
  private file_: SourceFile | undefined;
  /** Number of incremental (edited-tree) parses, for tests and stats. */
  incrementalParses = 0;
  fullParses = 0;

  constructor(
    readonly uri: string,
    /** Workspace-relative path used by the engine. */
    public path: string,
    public version: number,
    text: string,
    public languageId = 'python',
  ) {
    this.text_ = text;
    this.lineStarts_ = computeLineStarts(text);
  }

  get text(): string {
    return this.text_;
  }

  get lineStarts(): number[] {
    return this.lineStarts_;
  }

  offsetAt(position: Position): number {
    return offsetAt(this.lineStarts_, this.text_, position);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text_.length));
    return positionAt(this.lineStarts_, clamped);
  }

  /** Applies LSP content changes in order (incremental ranges or full text). */
  applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range) {
        const start = this.offsetAt(change.range.start);
        const end = Math.max(start, this.offsetAt(change.range.end));
        this.replace(start, end, change.text);
      } else {
        this.replace(0, this.text_.length, change.text);
      }
    }
    this.version = version;
  }

  /** Replaces [start, end) with text, keeping the tree in sync. */
  replace(start: number, end: number, text: string): void {
    const before = this.text_;
    if (this.tree) {
      const startPosition = pointAt(before, start);
      const oldEndPosition = end === start ? startPosition : pointAt(before, end);
      const edit: Edit = {
        startIndex: start,
        oldEndIndex: end,
        newEndIndex: start + text.length,
        startPosition,
        oldEndPosition,
        newEndPosition: advancePoint(startPosition, text),
      };
      this.tree.edit(edit);
    }
    this.text_ = before.slice(0, start) + text + before.slice(end);
    this.lineStarts_ = updateLineStarts(this.lineStarts_, before, this.text_, start, end, text);
    if (this.file_) {
      // The SourceFile shares the tree we just edited; forget it (the tree stays owned here).
      this.file_ = undefined;
    }
  }

  /** The parsed file for the current text (parsing incrementally when the text changed). */
  file(config: AsyncMigrateConfig): SourceFile {
    if (this.file_ && this.file_.path === this.path) return this.file_;
    const old = this.tree;
    const { file } = parseSource(this.path, this.text_, config, old, this.lineStarts_);
    if (old) {
      this.incrementalParses++;
      old.delete();
    } else this.fullParses++;
    this.tree = file.tree;
    this.file_ = file;
    this.parsedIncrementally = !!old;
    return file;
  }

  /** True when the current tree came from an edited old tree (not a from-scratch parse). */
  parsedIncrementally = false;

  /**
   * Tree-sitter's error recovery can settle differently when reparsing an edited tree than when
   * parsing from scratch; on error-free code the trees are identical. When the current tree has
   * syntax errors and came from an incremental parse, this reparses from scratch so results
   * converge on exactly what a fresh analysis gives. Returns true when it reparsed.
   */
  settle(config: AsyncMigrateConfig): boolean {
    const current = this.file(config);
    if (!this.parsedIncrementally || !current.root.hasError) return false;
    this.resetTree();
    this.file(config);
    return true;
  }

  /** Drops the tree (e.g. when the module name changes with a new config); the next parse is a full one. */
  resetTree(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.file_ = undefined;
  }

  dispose(): void {
    this.resetTree();
  }
}

/**
 * Recomputes line starts after replacing [start, end) of before with inserted. Only the lines
 * around the edit are rescanned; a change right after a '\r', or inserting one, falls back to a
 * full scan (a '\r' + '\n' pair may merge or split).
 */
function updateLineStarts(old: number[], before: string, after: string, start: number, end: number, inserted: string): number[] {
  // A '\r' before the edit may pair with a '\n' after it (or lose its pair); an inserted '\r' may
  // pair with the '\n' after it. Anything else keeps each break a break of its own.
  if (before.charCodeAt(start - 1) === 13 || inserted.includes('\r')) return computeLineStarts(after);
  const delta = inserted.length - (end - start);
  const out: number[] = [];
  let i = 0;
  // Lines starting at or before start are unchanged.
  for (; i < old.length && old[i] <= start; i++) out.push(old[i]);
  // Breaks inside the inserted text.
  for (let k = 0; k < inserted.length; k++) {
    const c = inserted.charCodeAt(k);
    if (c === 10) out.push(start + k + 1);
  }
  // Lines starting after the removed range, shifted.
  for (; i < old.length; i++) if (old[i] > end) out.push(old[i] + delta);
  return out;
}

/** Every node with its type, offsets and points, one per line (for comparing trees exactly). */
export function describeTree(root: import('../analysis/parser').Node): string {
  const out: string[] = [];
  const cursor = root.walk();
  let depth = 0;
  try {
    for (;;) {
      const n = cursor.currentNode;
      out.push(`${' '.repeat(depth)}${n.type}${n.isMissing ? '!' : ''} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`);
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return out.join('\n');
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
