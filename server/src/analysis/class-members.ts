// The unit of reuse of the incremental analysis (incremental.ts): the module's top-level
// statements (chunks.ts) with each class split into its header and members, remembered per class
// text (statement-memo.ts); and which members bind `self.x` (context for their siblings).
import { type Chunk, chunkIndexAt, chunksOf, indentedLineStart, lineEndAt } from './chunks';
import type { Node } from './parser';
import type { SourceFile } from './source';
import { StatementMemo } from './statement-memo';
import { treeCache } from './tree-caches';

const analysisChunks = treeCache<Chunk[]>();

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
const classPartsByText = new StatementMemo<Chunk[] | null>();

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
  const out: string[] = [];
  for (const { statement, value } of selfBindingsByText.valuesOf(file, (s) => (CLASS_TYPES.has(s.type) ? selfBindingsIn(text, s, chunks) : NO_BINDINGS))) {
    for (let i = 0; i < value.length; i += 2) out.push(text.slice(statement.start + value[i], statement.start + value[i + 1]));
  }
  return out;
}

const NO_BINDINGS: number[] = [];

/** Per class statement, by its text: its members binding `self.x`, as offsets from its start (one text search per keystroke for the statement typed in). */
const selfBindingsByText = new StatementMemo<number[]>();

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
