// Which top-level statements of a file can see that its summary or a module-level statement
// changed: the incremental analysis (incremental.ts) re-runs definition-local rules over those
// only, instead of the whole file. A definition-local rule reads other definitions through the
// summary (the index) and module-level statements by the names they bind (rule.ts
// RuleLocality), so a statement whose text names nothing that changed keeps its findings. What
// changed is a set of names: the definitions, class members, variables and module-level names
// whose position-free summary differs, the names changed module-level statements may bind (not
// those they only read; a class body's are members), closed over
// summary entries that mention them (`return helper()`, a base class, an alias: facts that
// follow a chain of definitions) and over the twin naming patterns (`get_user` ↔ `aget_user`).
// Anything whose readers cannot be told by a name (imports, routes, syntax errors, star imports,
// `__all__`, a name the configuration mentions, an import cycle back into the file) answers
// undefined: everything is re-analysed. Pure.
import type { AsyncMigrateConfig } from './config';
import type { Chunk } from './chunks';
import { chunkIndexAt } from './chunks';
import { allImportBindings, importTargets, positionFreeJson, type ClassSummary, type ModuleSummary } from './summary';
import { PYTHON_KEYWORDS } from './syntax';
import { moduleHasTwins } from './twin-names';
import { applyPattern, matchPattern, sameSummarySignature, type WorkspaceIndex } from './workspace';

/**
 * What changed, by name; `memberSets`: some class's (or the module's) set of member names
 * changed; `syntaxErrors`: whether the file has syntax errors changed (which members exist is
 * then unknown: rules that ask read every statement).
 */
export interface ChangedNames {
  /** Every changed name (module-level names and class members). */
  names: Set<string>;
  /**
   * Those that changed only as members of this file's classes (a method, an attribute): read as
   * `x.name`, or bare in a class body, a decorator or a signature — never bare in a function's
   * body, where a bare name is a local or a module-level name (chunksNaming).
   */
  memberOnly: Set<string>;
  /** Classes of this file whose every member may resolve differently (bases, decorators, header): all their statements re-run. */
  classes: Set<string>;
  memberSets: boolean;
  syntaxErrors: boolean;
}

/** Summary parts read as a whole (not by a name): any change re-analyses everything. */
const WHOLE_PARTS = ['isPackage', 'dynamicNames', 'exports', 'imports', 'starImports', 'nestedImports', 'stringImports', 'routers', 'routes', 'includes'] as const;

/** Class parts that are member sets; the rest (bases, decorators, isModel, dynamicMembers…) changes every member. */
const MEMBER_PARTS = new Set(['methods', 'attributes', 'relationships', 'attributeSources', 'stringConstants']);

const IDENTIFIER = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/gu;
/** The same in a text that is all ASCII (three times faster than the Unicode classes). */
const ASCII_IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
const IDENTIFIER_CHAR = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

const CLASS_NAME = /(?:^|\n)[ \t]*class[ \t]+([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)/u;

/**
 * The part of a statement's text that may bind names: before its first `=` (not `==`, `<=`…),
 * and what follows `as`, `for`, `global`, `nonlocal`, `def`, `class` (a walrus binds too).
 */
function boundPart(statement: string): string {
  const assign = /(?<![=!<>:])=(?!=)/.exec(statement);
  const parts = [assign ? statement.slice(0, assign.index) : ''];
  for (const m of statement.matchAll(/\b(?:as|for|global|nonlocal|def|class)\s+([^:=\n]*)|([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)\s*:=/gu)) parts.push(m[1] ?? m[2]);
  return parts.join('\n');
}

/** The name of the class a statement (or class header) defines, read from its text (decorators first). */
export function classNameOf(statement: string): string | undefined {
  return CLASS_NAME.exec(statement)?.[1];
}

function identifiersOf(text: string, out: Set<string>): void {
  for (const m of text.matchAll(IDENTIFIER)) out.add(m[0]);
}

const configWords = new WeakMap<AsyncMigrateConfig, Set<string>>();

/** Every identifier the configuration mentions (rules look some names up by configuration: `get_async_session`). */
function wordsOfConfig(config: AsyncMigrateConfig): Set<string> {
  let words = configWords.get(config);
  if (!words) {
    const found = new Set<string>();
    // Its values only (the names of its settings are no names of the code).
    const visit = (value: unknown): void => {
      if (typeof value === 'string') identifiersOf(value, found);
      else if (value && typeof value === 'object') for (const v of Object.values(value)) visit(v);
    };
    visit(config);
    configWords.set(config, (words = found));
  }
  return words;
}

function keysOf<T>(a: Record<string, T> | undefined, b: Record<string, T> | undefined): Set<string> {
  return new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
}

function json(value: unknown): string {
  return value !== null && typeof value === 'object' ? positionFreeJson(value) : JSON.stringify(value ?? null);
}

/** The changed names being collected, each as a module-level name or as a class member. */
class NameCollector {
  readonly names = new Set<string>();
  private readonly moduleLevel = new Set<string>();
  private readonly members = new Set<string>();
  classes = new Set<string>();
  memberSets = false;
  syntaxErrors = false;

  module(name: string): void {
    this.names.add(name);
    this.moduleLevel.add(name);
  }

  member(name: string): void {
    this.names.add(name);
    this.members.add(name);
  }

  isMember(name: string): boolean {
    return this.members.has(name) && !this.moduleLevel.has(name);
  }

  result(): ChangedNames {
    const memberOnly = new Set([...this.members].filter((n) => !this.moduleLevel.has(n)));
    return { names: this.names, memberOnly, classes: this.classes, memberSets: this.memberSets, syntaxErrors: this.syntaxErrors };
  }
}

function memberNamesOf(cls: ClassSummary | undefined, changed: NameCollector): void {
  if (!cls) return;
  for (const n of Object.keys(cls.methods)) changed.member(n);
  for (const n of cls.attributes ?? []) changed.member(n);
  for (const n of Object.keys(cls.relationships)) changed.member(n);
  for (const n of Object.keys(cls.attributeSources ?? {})) changed.member(n);
  for (const n of Object.keys(cls.stringConstants ?? {})) changed.member(n);
}

function sameKeys(a: object | undefined, b: object | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = new Set(Object.keys(b ?? {}));
  return ka.length === kb.size && ka.every((k) => kb.has(k));
}

function diffClass(name: string, before: ClassSummary | undefined, after: ClassSummary | undefined, changed: NameCollector): void {
  if (before && after && json(before) === json(after)) return;
  changed.module(name);
  const restOf = (c: ClassSummary) => json(Object.fromEntries(Object.entries(c).filter(([k]) => !MEMBER_PARTS.has(k))));
  if (!before || !after || restOf(before) !== restOf(after)) {
    // Added, removed, or its bases / kind changed: every member may resolve differently.
    changed.classes.add(name);
    memberNamesOf(before, changed);
    memberNamesOf(after, changed);
    changed.memberSets = true;
    return;
  }
  for (const key of ['methods', 'relationships', 'attributeSources', 'stringConstants'] as const) {
    const a = before[key] as Record<string, unknown> | undefined;
    const b = after[key] as Record<string, unknown> | undefined;
    if (!sameKeys(a, b)) changed.memberSets = true;
    for (const k of keysOf(a, b)) if (json(a?.[k]) !== json(b?.[k])) changed.member(k);
  }
  const attrsBefore = new Set(before.attributes ?? []);
  const attrsAfter = new Set(after.attributes ?? []);
  for (const a of attrsBefore) if (!attrsAfter.has(a)) (changed.member(a), (changed.memberSets = true));
  for (const a of attrsAfter) if (!attrsBefore.has(a)) (changed.member(a), (changed.memberSets = true));
}

/** The names related to `name` by the twin naming patterns, both ways. */
function twinRelated(config: AsyncMigrateConfig, name: string, out: Set<string>): void {
  for (const pattern of [...config.twins.namePatterns, ...config.twins.methodPatterns]) {
    out.add(applyPattern(pattern, name));
    const base = matchPattern(pattern, name);
    if (base) out.add(base);
  }
}

/**
 * The identifiers of summary entries, by their position-free JSON: an entry moved by an edit above
 * it is a new object with the same JSON (summary.ts keeps it), and a keystroke moves half the file's.
 */
let identifiersOfJson = new Map<string, string[]>();

/** Whether the summary entry's position-free JSON names any of names. */
function mentionsAny(entry: object, names: Set<string>): boolean {
  const text = json(entry);
  let ids = identifiersOfJson.get(text);
  if (!ids) {
    const found = new Set<string>();
    identifiersOf(text, found);
    if (identifiersOfJson.size > 20000) identifiersOfJson = new Map();
    identifiersOfJson.set(text, (ids = [...found]));
  }
  return ids.some((id) => names.has(id));
}

/** A statement that is not a definition: at module level, or in a class body (`inClass`). */
export interface Statement {
  text: string;
  inClass: boolean;
}

/**
 * What changed between two summaries of one file and between its statements that are not
 * definitions (`statementsBefore` / `statementsAfter`), or undefined when readers cannot be
 * told by a name. The names in a changed statement of a class body are members: what it binds
 * is read as `x.name` or in the class body (a bare name in a method is never a class attribute).
 */
export function changedNames(
  before: ModuleSummary | undefined,
  after: ModuleSummary | undefined,
  statementsBefore: Statement[],
  statementsAfter: Statement[],
  index: WorkspaceIndex,
  config: AsyncMigrateConfig,
): ChangedNames | undefined {
  const changed = new NameCollector();
  // Module-level statements: the names in those that changed (a multiset difference).
  const counts = new Map<string, { statement: Statement; n: number }>();
  const count = (s: Statement, by: number) => {
    const key = `${s.inClass ? 'class' : 'module'}\u0000${s.text}`;
    const entry = counts.get(key) ?? { statement: s, n: 0 };
    entry.n += by;
    counts.set(key, entry);
  };
  for (const s of statementsBefore) count(s, 1);
  for (const s of statementsAfter) count(s, -1);
  for (const { statement: { text: statement, inClass }, n } of counts.values()) {
    if (n === 0) continue;
    // An import (or `__all__`, `TYPE_CHECKING`…) is read by facts about the whole file.
    if (/\bimport\b|__all__|__getattr__|globals|TYPE_CHECKING|__future__/.test(statement)) return undefined;
    // What it binds changes; what it only reads (`redis_client.ping()`) names nothing that changed.
    const bound = new Set<string>();
    identifiersOf(boundPart(statement), bound);
    for (const n of bound) if (!PYTHON_KEYWORDS.has(n)) (inClass ? changed.member(n) : changed.module(n));
    // A class header (class-members.ts analysisChunksOf): its members read it.
    const header = classNameOf(statement);
    if (header) changed.classes.add(header);
  }
  if (before !== after && !(before && after && sameSummarySignature(before, after))) {
    if (!before || !after || before.moduleName !== after.moduleName) return undefined;
    for (const part of WHOLE_PARTS) if (json(before[part]) !== json(after[part])) return undefined;
    changed.syntaxErrors = before.hasSyntaxErrors !== after.hasSyntaxErrors;
    for (const name of keysOf(before.functions, after.functions)) {
      const a = before.functions[name];
      const b = after.functions[name];
      if (!a || !b || json(a) !== json(b)) changed.module(name);
    }
    for (const name of keysOf(before.classes, after.classes)) diffClass(name, before.classes[name], after.classes[name], changed);
    for (const name of keysOf(before.variables, after.variables)) {
      const a = before.variables[name];
      const b = after.variables[name];
      if (!a || !b || json(a) !== json(b)) changed.module(name);
    }
    const definedBefore = new Set(before.definedNames ?? []);
    const definedAfter = new Set(after.definedNames ?? []);
    for (const n of definedBefore) if (!definedAfter.has(n)) (changed.module(n), (changed.memberSets = true));
    for (const n of definedAfter) if (!definedBefore.has(n)) (changed.module(n), (changed.memberSets = true));
    if (moduleHasTwins(index, before) !== moduleHasTwins(index, after)) return undefined;
  }
  if (!changed.names.size) return changed.result();
  // Closed over the summary entries that mention a changed name, and over twin names.
  // Twin names are one step from a changed name (their readers name the other twin): never expanded again.
  const expanded = new Set<string>();
  for (let size = -1; size !== changed.names.size; ) {
    // A twin of a member is a member (`get_user` ↔ `aget_user` on one service class).
    const twins = new Map<string, boolean>();
    for (const n of changed.names) {
      if (expanded.has(n)) continue;
      expanded.add(n);
      const related = new Set<string>();
      twinRelated(config, n, related);
      const member = changed.isMember(n);
      for (const t of related) twins.set(t, (twins.get(t) ?? true) && member);
    }
    for (const [t, member] of twins) {
      if (changed.names.has(t)) {
        // Already there: only a module-level twin of a member-only name changes what it is.
        if (!member && changed.isMember(t)) changed.module(t);
        continue;
      }
      expanded.add(t);
      if (member) changed.member(t);
      else changed.module(t);
    }
    size = changed.names.size;
    const mentions = { test: (entry: object) => mentionsAny(entry, changed.names) };
    for (const summary of [before, after]) {
      if (!summary) continue;
      for (const [name, f] of Object.entries(summary.functions)) if (mentions.test(f)) changed.module(name);
      for (const [name, v] of Object.entries(summary.variables)) if (mentions.test(v)) changed.module(name);
      for (const [name, c] of Object.entries(summary.classes)) {
        if (!mentions.test(c)) continue;
        changed.module(name);
        // A member that mentions it changes (and is read by its name); anything else about the
        // class (bases, decorators, attribute sources) may change every member.
        let byMember = false;
        for (const [method, f] of Object.entries(c.methods)) if (mentions.test(f)) (changed.member(method), (byMember = true));
        for (const [relationship, r] of Object.entries(c.relationships)) if (mentions.test(r)) (changed.member(relationship), (byMember = true));
        const rest = { ...c, name: '', methods: {}, relationships: {}, attributes: [] };
        if (!byMember || mentions.test(rest)) {
          memberNamesOf(c, changed);
          changed.classes.add(name);
        }
      }
    }
  }
  // A name the configuration gives a meaning may be read where it is not written (a fix inserting the configured dependency).
  const configured = wordsOfConfig(config);
  for (const n of changed.names) if (configured.has(n)) return undefined;
  // Through other modules back into this one (`from b import f` where b imports this file).
  if (after && importsReach(index.forFile(after.path), after)) return undefined;
  return changed.result();
}

/** Whether the modules `summary` imports reach its own module again (or may: a dynamic import). */
function importsReach(index: WorkspaceIndex, summary: ModuleSummary): boolean {
  const seen = new Set<string>();
  const queue: ModuleSummary[] = [summary];
  while (queue.length) {
    const mod = queue.pop()!;
    for (const binding of allImportBindings(mod)) {
      if (binding.via === 'dynamic') return true;
      for (const target of importTargets(binding)) {
        const found = index.module(target);
        if (!found) continue;
        if (found.path === summary.path) {
          if (mod !== summary) return true;
          continue;
        }
        if (seen.has(found.path)) continue;
        seen.add(found.path);
        queue.push(found);
      }
    }
  }
  return false;
}

/** Whether the name at offset is an attribute: `x.name`, `x . name`, or across a line continuation. */
function afterDot(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0) {
    const c = text.charCodeAt(i);
    // spaces, tabs, line breaks and backslash continuations
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 92) i--;
    else return c === 46;
  }
  return false;
}

/**
 * Of `statements` (statements that are not definitions: module variables, class attributes),
 * those that may bind a name in `mentioned`: their findings read the uses of what they bind in
 * other statements (AM201: a coroutine stored in a module variable is fine when a function
 * awaits it), so a statement mentioning the name that changed re-analyses them.
 */
export function bindersOf(text: string, statements: Chunk[], mentioned: Set<string>): Chunk[] {
  const out: Chunk[] = [];
  if (!mentioned.size) return out;
  for (const c of statements) {
    const bound = new Set<string>();
    identifiersOf(boundPart(text.slice(c.start, c.end)), bound);
    for (const n of bound) if (mentioned.has(n)) {
      out.push(c);
      break;
    }
  }
  return out;
}

/** The identifiers of text (Python keywords aside). */
export function namesIn(text: string, out = new Set<string>()): Set<string> {
  identifiersOf(text, out);
  for (const k of PYTHON_KEYWORDS) out.delete(k);
  return out;
}

/**
 * The chunks (sorted, of text) whose text names any of `changed.names` as a whole identifier. A
 * member-only name (ChangedNames.memberOnly) counts bare only outside a function's body:
 * `bodyStart(chunk)` gives where the body of a function chunk starts (undefined for other chunks).
 */
export function chunksNaming(
  text: string,
  chunks: Chunk[],
  changed: Pick<ChangedNames, 'names' | 'memberOnly'>,
  bodyStart: (chunk: Chunk) => number | undefined = () => undefined,
): Set<Chunk> {
  const { names, memberOnly } = changed;
  const out = new Set<Chunk>();
  const bodies = new Map<Chunk, number | undefined>();
  /** The chunk of the occurrence at `at` when it reads `name` (and was added), else undefined. */
  const add = (at: number, name: string) => {
    const chunk = chunks[chunkIndexAt(chunks, at)];
    if (!chunk || chunk.start > at) return undefined;
    if (memberOnly.has(name) && !afterDot(text, at)) {
      if (!bodies.has(chunk)) bodies.set(chunk, bodyStart(chunk));
      const body = bodies.get(chunk);
      if (body !== undefined && at >= body) return undefined;
    }
    out.add(chunk);
    return chunk;
  };
  const ascii = !/[^\x00-\x7f]/.test(text);
  if (names.size > (ascii ? 20 : 40)) {
    // Many names: one pass over the identifiers of the text.
    for (const m of text.matchAll(ascii ? ASCII_IDENTIFIER : IDENTIFIER)) if (names.has(m[0]) && (m.index === 0 || !IDENTIFIER_CHAR.test(text.charAt(m.index! - 1)))) add(m.index!, m[0]);
    return out;
  }
  for (const name of names) {
    if (!name) continue;
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
      if (at > 0 && IDENTIFIER_CHAR.test(text.charAt(at - 1))) continue;
      const after = at + name.length;
      if (after < text.length && IDENTIFIER_CHAR.test(text.charAt(after))) continue;
      const chunk = add(at, name);
      // Nothing more to learn in this chunk for this name.
      if (chunk) at = Math.max(at, chunk.lineEnd);
    }
  }
  return out;
}
