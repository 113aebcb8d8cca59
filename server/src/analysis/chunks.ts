// Top-level statements ("chunks") of a module and how an edit moved them: the unit of reuse of
// the incremental analysis (incremental.ts) and of the incremental summary (summary.ts). A
// chunk the edit did not touch keeps its text; it moved by the edit's length (and its lines by
// the edit's line count) when it lies after the edit, and not at all when it lies before.
import { minimalEdit } from './fixes/edits';
import type { Node } from './parser';
import { type SourceFile, positionAt } from './source';
import type { Position, TextEdit } from './types';
import { firstIndexNotBefore } from './sorted';
import { StatementMemo } from './statement-memo';
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
const analysisChunks = treeCache<Chunk[]>();

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

function lineEndAt(text: string, offset: number): number {
  let lineEnd = offset;
  while (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
  return lineEnd;
}

/** The start of offset's line when only spaces and tabs precede it there, else -1. */
function indentedLineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
  return atLineStart(text, i) ? i : -1;
}

/**
 * The unit of reuse of the incremental analysis: the top-level statements, with each class split
 * into its header (decorators, `class X(...):`) and the statements of its body, each from the
 * start of its line (a method is to a class what a function is to its module: typing in one
 * method of a large service class re-analyses that method). A class whose body statements share
 * a line with each other or with the header stays whole. The header is never a definition
 * (contextKey keeps its text, like a module-level statement's). A class with a syntax error is
 * split too (typing leaves one method broken at a time): the member holding the error is always
 * re-analysed, the others are reused like any error-free statement.
 */
export function analysisChunksOf(file: SourceFile): Chunk[] {
  let chunks = analysisChunks.get(file.tree);
  if (chunks) return chunks;
  chunks = [];
  const text = file.text;
  const top = chunksOf(file);
  // The statements' nodes, only for classes whose parts are not remembered from their text.
  let nodes: Node[] | undefined;
  let indexes: Map<Chunk, number> | undefined;
  const nodeOf = (chunk: Chunk) => {
    nodes ??= (file.root.children as (Node | null)[]).filter((n): n is Node => n !== null);
    indexes ??= new Map(top.map((c, i) => [c, i]));
    return nodes[indexes.get(chunk)!];
  };
  classPartsByText ??= new StatementMemo();
  for (const { statement, value } of classPartsByText.valuesOf(file, (chunk) => (CLASS_TYPES.has(chunk.type) ? relativeParts(classParts(nodeOf(chunk), chunk, text), chunk) : null))) {
    if (!value) chunks.push(statement);
    else chunks.push(...placeParts(value, statement));
  }
  analysisChunks.set(file.tree, chunks);
  return chunks;
}

/** analysisChunksOf read from the tree alone, without what is remembered from other versions (the reference of its tests). */
export function analysisChunksFromTree(file: SourceFile): Chunk[] {
  const top = chunksOf(file);
  const nodes = (file.root.children as (Node | null)[]).filter((n): n is Node => n !== null);
  return top.flatMap((chunk, i) => classParts(nodes[i], chunk, file.text) ?? [chunk]);
}

const CLASS_TYPES = new Set(['class_definition', 'decorated_definition']);

/** A class's parts with offsets from its start: a class of the same text (and no syntax error) splits the same anywhere. */
let classPartsByText: StatementMemo<Chunk[] | null> | undefined;

function relativeParts(parts: Chunk[] | undefined, chunk: Chunk): Chunk[] | null {
  if (!parts) return null;
  return parts.map((p) => ({ ...p, start: p.start - chunk.start, end: p.end - chunk.start, lineEnd: p.lineEnd - chunk.start, header: undefined }));
}

/** Relative parts placed at chunk (the last one ends its line where the chunk does: what follows on that line is the file's). */
function placeParts(relative: Chunk[], chunk: Chunk): Chunk[] {
  const parts: Chunk[] = [];
  relative.forEach((p, i) => {
    const lineEnd = i === relative.length - 1 ? chunk.lineEnd : p.lineEnd + chunk.start;
    parts.push({ ...p, start: p.start + chunk.start, end: p.end + chunk.start, lineEnd, header: p.inClass ? parts[0] : undefined });
  });
  return parts;
}

/** A method's first parameter (`self`), read from its text: `@deco\n    async def name(self, …`. */
const FIRST_PARAMETER = /^(?:[ \t]*@[^\n]*\n)*[ \t]*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\([ \t\r\n]*([A-Za-z_]\w*)/;

/**
 * An attribute bound: `x.attr =`, `x.attr: T =`, `x.attr += …`, `x.attr[k] =` (matched from the
 * dot: the object is read backwards), or `as x.` / `for x.` / `for a, x.` (group 1: the object).
 */
const ATTRIBUTE_BINDING = /\.[ \t]*[A-Za-z_]\w*[ \t]*(?:\[[^\n\]]*\][ \t]*)?(?::[^=\n]+)?(?:[-+*/%&|^@]|\/\/|>>|<<|\*\*)?=(?!=)|\b(?:as|for)[ \t(]+(?:[A-Za-z_]\w*[ \t]*,[ \t]*)*([A-Za-z_]\w*)[ \t]*\./g;

/** The identifier ending just before offset (spaces skipped), if any. */
function identifierBefore(text: string, offset: number): string {
  let end = offset;
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  let start = end;
  while (start > 0 && /\w/.test(text.charAt(start - 1))) start--;
  return text.slice(start, end);
}

/**
 * The text of the class members that bind attributes of their first parameter (`self.repo = …`,
 * `with … as self.x`, `for self.x in …`): the engine resolves `self.x` in any method from every
 * method's assignments (callee.ts selfAttribute, semantics.ts selfAttributeFlavor), so such a
 * member is context for its siblings and a change to it re-analyses the file (incremental.ts).
 * One text search per version, then a look at the members it hits.
 */
export function selfBindingMembers(file: SourceFile, chunks: Chunk[]): string[] {
  // Asked twice per version (a code action's reusesPrevious, then the analysis).
  if (lastSelfBindings?.chunks === chunks && lastSelfBindings.text === file.text) return lastSelfBindings.members;
  const members = findSelfBindingMembers(file, chunks);
  lastSelfBindings = { text: file.text, chunks, members };
  return members;
}

let lastSelfBindings: { text: string; chunks: Chunk[]; members: string[] } | undefined;

function findSelfBindingMembers(file: SourceFile, chunks: Chunk[]): string[] {
  const text = file.text;
  const top = chunksOf(file);
  if (top.length === chunks.length) return []; // no class was split into members
  selfBindingsByText ??= new StatementMemo();
  const out: string[] = [];
  for (const { statement, value } of selfBindingsByText.valuesOf(file, (s) => (CLASS_TYPES.has(s.type) ? selfBindingsIn(text, s, chunks) : NO_BINDINGS))) {
    for (let i = 0; i < value.length; i += 2) out.push(text.slice(statement.start + value[i], statement.start + value[i + 1]));
  }
  return out;
}

const NO_BINDINGS: number[] = [];

/** Per class statement, by its text: its members binding `self.x`, as offsets from its start (one text search per keystroke for the statement typed in). */
let selfBindingsByText: StatementMemo<number[]> | undefined;

function selfBindingsIn(text: string, statement: Chunk, chunks: Chunk[]): number[] {
  const out: number[] = [];
  let last: Chunk | undefined;
  ATTRIBUTE_BINDING.lastIndex = statement.start;
  for (let m = ATTRIBUTE_BINDING.exec(text); m && m.index < statement.end; m = ATTRIBUTE_BINDING.exec(text)) {
    const chunk = chunks[chunkIndexAt(chunks, m.index)];
    if (!chunk || chunk === last || chunk.start > m.index || !chunk.inClass || (chunk.type !== 'function_definition' && chunk.type !== 'decorated_definition')) continue;
    const object = m[1] ?? identifierBefore(text, m.index);
    if (object && FIRST_PARAMETER.exec(text.slice(chunk.start, chunk.end))?.[1] === object) {
      out.push(chunk.start - statement.start, chunk.end - statement.start);
      last = chunk;
    }
  }
  return out;
}

function classParts(node: Node, chunk: Chunk, text: string): Chunk[] | undefined {
  const cls = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
  if (cls?.type !== 'class_definition') return undefined;
  const body = cls.childForFieldName('body');
  if (!body) return undefined;
  const members = (body.children as (Node | null)[]).filter((c): c is Node => c !== null);
  if (members.length < 2) return undefined;
  const parts: Chunk[] = [];
  let previousEnd = -1;
  for (const member of members) {
    const start = indentedLineStart(text, member.startIndex);
    const end = member.endIndex;
    // Each member on lines of its own (and the first below the header line).
    if (start < 0 || start <= (previousEnd < 0 ? chunk.start : previousEnd)) return undefined;
    if (!parts.length) {
      // The header: up to the end of the line before the first member.
      const headerEnd = text.charCodeAt(start - 1) === 10 && text.charCodeAt(start - 2) === 13 ? start - 2 : start - 1;
      if (headerEnd <= chunk.start) return undefined;
      parts.push({ start: chunk.start, end: headerEnd, lineEnd: headerEnd, type: 'class_header', hasError: false });
    }
    parts.push({ start, end, lineEnd: lineEndAt(text, end), type: member.type, hasError: member.hasError, inClass: true, header: parts[0] });
    previousEnd = lineEndAt(text, end);
  }
  // A class with a syntax error in one member keeps its other members reusable; an error that no
  // member holds is in the header (decorators, bases).
  if (chunk.hasError && !parts.some((p) => p.hasError)) parts[0].hasError = true;
  // Whatever follows the last member on its line belongs to it (the class's own end is the last member's).
  return parts;
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
  const oldChunks = previous.chunks;
  const oldAt = (start: number): Chunk | undefined => {
    const old = oldChunks[firstIndexNotBefore(oldChunks.length, (i) => oldChunks[i].start < start)];
    return old?.start === start ? old : undefined;
  };
  const unchanged = new Map<Chunk, Chunk>();
  for (const c of chunks) {
    if (c.hasError) continue;
    const lineStart = indentedLineStart(newText, c.start);
    if (lineStart < 0) continue;
    let oldStart: number;
    if (c.lineEnd < newChangeStart) oldStart = c.start;
    else if (lineStart >= newChangeEnd) oldStart = c.start - delta;
    else continue;
    const old = oldAt(oldStart);
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
