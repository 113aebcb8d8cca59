// Top-level statements ("chunks") of a module and how an edit moved them: the unit of reuse of
// the incremental analysis (incremental.ts) and of the incremental summary (summary.ts). A
// chunk the edit did not touch keeps its text; it moved by the edit's length (and its lines by
// the edit's line count) when it lies after the edit, and not at all when it lies before.
import { minimalEdit } from './fixes/edits';
import type { Node } from './parser';
import { type SourceFile, positionAt } from './source';
import type { Position, TextEdit } from './types';
import { firstIndexNotBefore } from './sorted';

/** One top-level statement of the module (or comment), by offsets. */
export interface Chunk {
  start: number;
  end: number;
  /** End of the chunk's last line (before its line break): a trailing comment belongs to it. */
  lineEnd: number;
  type: string;
  hasError: boolean;
}

/** What the diff of the next version needs from this one. */
export interface ChunkedText {
  readonly text: string;
  readonly chunks: Chunk[];
  readonly lineStarts: number[];
}

export function chunksOf(file: SourceFile): Chunk[] {
  const text = file.text;
  const out: Chunk[] = [];
  for (const node of file.root.children as (Node | null)[]) {
    if (!node) continue;
    const end = node.endIndex;
    let lineEnd = end;
    while (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
    out.push({ start: node.startIndex, end, lineEnd, type: node.type, hasError: node.hasError });
  }
  return out;
}

export function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === 10 || text.charCodeAt(offset - 1) === 13;
}

/** First index of sorted chunks whose lineEnd >= offset. */
export function chunkIndexAt(chunks: Chunk[], offset: number): number {
  return firstIndexNotBefore(chunks.length, (i) => chunks[i].lineEnd < offset);
}

/** How one edit (the changed span between a common prefix and suffix) moved an old version's chunks. */
export interface ChunkMove {
  /** Old chunk → new chunk, for error-free chunks of the same type and extent whose lines the edit left unchanged. */
  readonly unchanged: Map<Chunk, Chunk>;
  /** An old offset in the new text; undefined inside the change (or at its ambiguous edge). */
  mapOffset(offset: number): number | undefined;
  /** An old LSP position in the new text; undefined on a changed line. */
  mapPosition(position: Position): Position | undefined;
  /** Lines added by the edit (LSP lines: `\n`, `\r\n` and `\r` end a line). */
  readonly lineDelta: number;
  /** Tree-sitter rows added by the edit (rows end at `\n` only). */
  readonly rowDelta: number;
  /** Offsets at or after this in the old text moved by `offsetDelta` (those before `prefix` stayed). */
  readonly prefix: number;
  readonly offsetDelta: number;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The last diff: the summary and the analysis of a version both diff it against the same previous text. */
let lastChange: { oldText: string; newText: string; change: TextEdit } | undefined;

function changeBetween(oldText: string, newText: string): TextEdit {
  if (lastChange && lastChange.oldText === oldText && lastChange.newText === newText) return lastChange.change;
  const change = minimalEdit(oldText, newText) ?? { start: oldText.length, end: oldText.length, newText: '' };
  lastChange = { oldText, newText, change };
  return change;
}

/** Which chunks of `previous` survive unchanged in `file` (whose chunks are `chunks`), and how positions moved. */
export function moveChunks(previous: ChunkedText, file: SourceFile, chunks: Chunk[]): ChunkMove {
  const oldText = previous.text;
  const newText = file.text;
  const delta = newText.length - oldText.length;
  // Old offsets in [oldChangeEnd, oldText.length) move by delta; those before prefix stay.
  const change = changeBetween(oldText, newText);
  const prefix = change.start;
  const oldChangeEnd = change.end;
  const newChangeStart = prefix;
  const newChangeEnd = prefix + change.newText.length;

  // Old chunk (by start) of each clean new chunk: same type and extent, untouched lines, no error.
  const oldByStart = new Map(previous.chunks.map((c) => [c.start, c]));
  const unchanged = new Map<Chunk, Chunk>();
  for (const c of chunks) {
    if (c.hasError || !atLineStart(newText, c.start)) continue;
    let oldStart: number;
    if (c.lineEnd < newChangeStart) oldStart = c.start;
    else if (c.start >= newChangeEnd) oldStart = c.start - delta;
    else continue;
    const old = oldByStart.get(oldStart);
    if (!old || old.hasError || old.type !== c.type || old.end - old.start !== c.end - c.start || old.lineEnd - old.start !== c.lineEnd - c.start) continue;
    if (!atLineStart(oldText, old.start)) continue;
    unchanged.set(old, c);
  }

  const oldLineStarts = previous.lineStarts;
  const newLineStarts = file.lineStarts;
  const lastUnchangedLine = positionAt(oldLineStarts, prefix).line - 1; // lines <= this are unchanged
  const firstMovedOldLine = positionAt(oldLineStarts, oldChangeEnd).line + 1; // lines >= this moved by lineDelta
  const lineDelta = newLineStarts.length - oldLineStarts.length;
  return {
    unchanged,
    // Offsets at the edge of the change are ambiguous (before or after an insertion): not mapped.
    mapOffset: (offset) => (offset < prefix ? offset : offset > oldChangeEnd || (offset === oldChangeEnd && oldChangeEnd > prefix) ? offset + delta : undefined),
    mapPosition: (p) => (p.line <= lastUnchangedLine ? p : p.line >= firstMovedOldLine ? { line: p.line + lineDelta, character: p.character } : undefined),
    lineDelta,
    rowDelta: countNewlines(newText, prefix, newChangeEnd) - countNewlines(oldText, prefix, oldChangeEnd),
    prefix,
    offsetDelta: delta,
  };
}
