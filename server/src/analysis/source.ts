// A parsed Python file plus position helpers. The tree is owned by the SourceFile and must be
// released with dispose() (wasm memory is not garbage-collected).
import type { Edit, Node, Tree } from './parser';
import { parsePython } from './parser';
import { lastStartingAtOrBefore } from './sorted';
import { registerTreeText } from './tree-index';
import { releaseTreeCaches, treeCache } from './tree-caches';
import type { Position, Range } from './types';

export class SourceFile {
  readonly lineStarts: number[];
  private disposed = false;

  constructor(
    /** Workspace-relative POSIX path. */
    readonly path: string,
    /** Dotted module name (e.g. app.services.user), '' when outside every source root. */
    readonly moduleName: string,
    readonly text: string,
    readonly tree: Tree,
    /** computeLineStarts(text), when the caller keeps them already (an open document). */
    lineStarts?: number[],
  ) {
    this.lineStarts = lineStarts ?? computeLineStarts(text);
    registerTreeText(tree, text);
  }

  static parse(path: string, moduleName: string, text: string, oldTree?: Tree | null, lineStarts?: number[]): SourceFile {
    return new SourceFile(path, moduleName, text, parsePython(text, oldTree), lineStarts);
  }

  get root(): Node {
    return this.tree.rootNode;
  }

  positionAt(offset: number): Position {
    return positionAt(this.lineStarts, offset);
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  offsetAt(position: Position): number {
    const line = Math.min(Math.max(position.line, 0), this.lineStarts.length - 1);
    const lineEnd = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return Math.min(this.lineStarts[line] + Math.max(position.character, 0), lineEnd);
  }

  /** The full text of the line (without newline) containing offset. */
  lineTextAt(offset: number): string {
    const { line } = this.positionAt(offset);
    return this.lineText(line);
  }

  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$/, '');
  }

  /** Leading whitespace of the line containing offset. */
  indentAt(offset: number): string {
    return /^[ \t]*/.exec(this.lineTextAt(offset))![0];
  }

  dispose(): void {
    if (!this.disposed) {
      this.disposed = true;
      releaseTreeCaches(this.tree);
      this.tree.delete();
    }
  }
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export function positionAt(lineStarts: number[], offset: number): Position {
  const line = Math.max(0, lastStartingAtOrBefore(lineStarts.length, (i) => lineStarts[i], offset));
  return { line, character: offset - lineStarts[line] };
}

const treeHasError = treeCache<boolean>();

/** True when node is inside (or is) a syntax-error region: rules report nothing there. */
export function inErrorRegion(node: Node): boolean {
  // A tree without any ERROR or MISSING node (the usual case) needs no walk up the parents.
  let hasError = treeHasError.get(node.tree);
  if (hasError === undefined) treeHasError.set(node.tree, (hasError = node.tree.rootNode.hasError));
  if (!hasError) return false;
  for (let n: Node | null = node; n; n = n.parent) {
    if (n.type === 'ERROR' || n.isMissing) return true;
  }
  return false;
}

/** How many ERROR nodes and MISSING tokens a tree has (subtrees without errors are skipped). */
export function syntaxErrorCount(root: Node): number {
  if (!root.hasError) return 0;
  let count = 0;
  const cursor = root.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.type === 'ERROR' || node.isMissing) count++;
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return count;
    }
  } finally {
    cursor.delete();
  }
}

/** The tree-sitter point of a UTF-16 offset: rows split at '\n' only, columns in UTF-16 code units (web-tree-sitter parses JS strings as UTF-16). */
export function pointAt(text: string, offset: number): Edit['startPosition'] {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The point after inserting `inserted` at `start`. */
export function advancePoint(start: Edit['startPosition'], inserted: string): Edit['startPosition'] {
  const last = inserted.lastIndexOf('\n');
  if (last === -1) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: inserted.length - last - 1 };
}

