// Top-level statements ("chunks") of a module and how an edit moved them: the unit of reuse of
// the incremental analysis (incremental.ts) and of the incremental summary (summary.ts). A
// chunk the edit did not touch keeps its text; it moved by the edit's length (and its lines by
// the edit's line count) when it lies after the edit, and not at all when it lies before.
import { minimalEdit } from './fixes/edits';
import type { Node } from './parser';
import { type SourceFile, positionAt } from './source';
import type { Position, TextEdit } from './types';
import { firstIndexNotBefore } from './sorted';
import { treeCache } from './tree-caches';

/** One top-level statement of the module (or comment), by offsets. */
export interface Chunk {
  start: number;
  end: number;
  /** End of the chunk's last line (before its line break): a trailing comment belongs to it. */
  lineEnd: number;
  type: string;
  hasError: boolean;
  /** A statement of a class body (analysisChunksOf splits classes into their header and members). */
  inClass?: boolean;
  /** For a statement of a class body: its class's header chunk. */
  header?: Chunk;
}

/** What the diff of the next version needs from this one. */
export interface ChunkedText {
  readonly text: string;
  readonly chunks: Chunk[];
  readonly lineStarts: number[];
}

const topLevelChunks = treeCache<Chunk[]>();

/** The module's top-level statements (computed once per tree: the summary, the analysis and the facts all ask). */
export function chunksOf(file: SourceFile): Chunk[] {
  let chunks = topLevelChunks.get(file.tree);
  if (chunks) return chunks;
  const text = file.text;
  chunks = [];
  for (const node of file.root.children as (Node | null)[]) {
    if (!node) continue;
    const end = node.endIndex;
    chunks.push({ start: node.startIndex, end, lineEnd: lineEndAt(text, end), type: node.type, hasError: node.hasError });
  }
  topLevelChunks.set(file.tree, chunks);
  return chunks;
}

export function lineEndAt(text: string, offset: number): number {
  let lineEnd = offset;
  while (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
  return lineEnd;
}

/** The start of offset's line when only spaces and tabs precede it there, else -1. */
export function indentedLineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
  return atLineStart(text, i) ? i : -1;
}

/** Where the body of a function chunk (a def, decorated or not) starts; undefined for other chunks and chunks with errors. */
export function functionBodyStart(file: SourceFile, chunk: Chunk): number | undefined {
  if (chunk.hasError || (chunk.type !== 'function_definition' && chunk.type !== 'decorated_definition')) return undefined;
  let start = chunk.start;
  while (file.text.charCodeAt(start) === 32 || file.text.charCodeAt(start) === 9) start++;
  let node: Node | null = file.root.descendantForIndex(start, start);
  while (node && !(node.startIndex === start && (node.type === 'function_definition' || node.type === 'decorated_definition'))) node = node.parent;
  const fn = node?.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
  return fn?.type === 'function_definition' ? fn.childForFieldName('body')?.startIndex : undefined;
}

export function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === 10 || text.charCodeAt(offset - 1) === 13;
}

/** The index of the chunk of sorted chunks that starts at start, or -1. */
export function chunkStartingAt(chunks: Chunk[], start: number): number {
  const k = firstIndexNotBefore(chunks.length, (i) => chunks[i].start < start);
  return chunks[k]?.start === start ? k : -1;
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

/** The last diffs: the summary and the analysis of a version both diff it against the same retained versions. */
const lastChanges: { oldText: string; newText: string; change: TextEdit }[] = [];

/** The one edit turning oldText into newText (common prefix and suffix), remembered for the last few pairs. */
export function changeBetween(oldText: string, newText: string): TextEdit {
  // Identity first: equal texts of the same document are usually the same string.
  const known = lastChanges.find((c) => c.newText === newText && c.oldText === oldText);
  if (known) return known.change;
  const change = minimalEdit(oldText, newText) ?? { start: oldText.length, end: oldText.length, newText: '' };
  lastChanges.unshift({ oldText, newText, change });
  lastChanges.length = Math.min(lastChanges.length, 4);
  return change;
}

/**
 * Versions of a document kept besides the last one, for reuse: a bracket or a quote typed and
 * closed again (or typed again) returns to a tree seen before, which the last version's tree —
 * reshaped by tree-sitter's error recovery — no longer resembles.
 */
export interface RetainedVersions<S> {
  /** The version before the last one. */
  readonly earlier?: S;
  /** The last version without syntax errors (an unclosed quote reshapes the rest of the file for several keystrokes). */
  readonly lastClean?: S;
}

type Retaining<S> = ChunkedText & RetainedVersions<S>;

/** What a new version retains of `previous`, the last one (each retained version without retained versions of its own). */
export function retainVersions<S extends Retaining<S>>(previous: S | undefined): RetainedVersions<S> {
  if (!previous) return {};
  const bare: S = { ...previous, earlier: undefined, lastClean: undefined };
  return { earlier: bare, lastClean: previous.chunks.some((c) => c.hasError) ? previous.lastClean : bare };
}

/**
 * What reusing a version with syntax errors for a file without costs besides its changed chunks,
 * as a share of the file: the rules reading whether the file has errors re-run over every
 * statement (incremental.ts; AM204 is about a seventh of a full analysis of the bench's file).
 */
const ERRORS_GONE_COST = 0.15;

/**
 * The versions the next one may reuse (`previous` and what it retains), each with how the edit
 * moved its chunks, most reusable first (unchanged chunk text, less ERRORS_GONE_COST; `previous`
 * first on ties). When `previous` leaves at most one chunk to redo (typing), the others are not diffed.
 */
export function reusableVersions<S extends Retaining<S>>(previous: S | undefined, file: SourceFile, chunks: Chunk[], usable: (version: S) => boolean = () => true): { version: S; move: ChunkMove }[] {
  const ranked: { version: S; move: ChunkMove; reused: number }[] = [];
  const clean = !chunks.some((c) => c.hasError);
  for (const version of previous ? [previous, previous.earlier, previous.lastClean] : []) {
    if (!version || !usable(version) || ranked.some((r) => r.version.text === version.text)) continue;
    const move = moveChunks(version, file, chunks);
    let reused = 0;
    for (const c of move.unchanged.values()) reused += c.end - c.start;
    const errorsGone = clean && version.chunks.some((c) => c.hasError);
    if (errorsGone) reused -= ERRORS_GONE_COST * file.text.length;
    ranked.push({ version, move, reused });
    if (version === previous && move.unchanged.size >= chunks.length - 1 && !errorsGone) break;
  }
  return ranked.sort((a, b) => b.reused - a.reused);
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
  // A chunk may start after its line's indentation (a method that error recovery made a module-level def).
  const unchanged = new Map<Chunk, Chunk>();
  for (const c of chunks) {
    if (c.hasError) continue;
    const lineStart = indentedLineStart(newText, c.start);
    if (lineStart < 0) continue;
    let oldStart: number;
    if (c.lineEnd < newChangeStart) oldStart = c.start;
    else if (lineStart >= newChangeEnd) oldStart = c.start - delta;
    else continue;
    const old = previous.chunks[chunkStartingAt(previous.chunks, oldStart)];
    if (!old || old.hasError || old.type !== c.type || old.end - old.start !== c.end - c.start || old.lineEnd - old.start !== c.lineEnd - c.start) continue;
    if (old.start - indentedLineStart(oldText, old.start) !== c.start - lineStart) continue;
    // A member stays a member of the same class (error recovery can move methods into the class above).
    if (!!old.header !== !!c.header || (c.header && oldText.slice(old.header!.start, old.header!.end) !== newText.slice(c.header.start, c.header.end))) continue;
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
    mapPosition: (p) => (p.line <= lastUnchangedLine || (lineDelta === 0 && p.line >= firstMovedOldLine) ? p : p.line >= firstMovedOldLine ? { line: p.line + lineDelta, character: p.character } : undefined),
    lineDelta,
    rowDelta: countNewlines(newText, prefix, newChangeEnd) - countNewlines(oldText, prefix, oldChangeEnd),
    prefix,
    offsetDelta: delta,
  };
}
