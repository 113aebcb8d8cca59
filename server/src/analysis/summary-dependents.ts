// Which top-level statements of a file can see that its summary or a module-level statement
// changed: the incremental analysis (incremental.ts) re-runs definition-local rules over those
// only, instead of the whole file. A definition-local rule reads other definitions through the
// summary (the index) and module-level statements by the names they bind (rule.ts
// RuleLocality), so a statement whose text names nothing that changed keeps its findings. What
// changed is a set of names: the definitions, class members, variables and module-level names
// whose position-free summary differs, the names in changed module-level statements, closed over
// summary entries that mention them (`return helper()`, a base class, an alias: facts that
// follow a chain of definitions) and over the twin naming patterns (`get_user` ↔ `aget_user`).
// Anything whose readers cannot be told by a name (imports, routes, syntax errors, star imports,
// `__all__`, a name the configuration mentions, an import cycle back into the file) answers
// undefined: everything is re-analysed. Pure.
import type { AsyncMigrateConfig } from './config';
import type { Chunk } from './chunks';
import { chunkIndexAt } from './chunks';
import { allImportBindings, importTargets, positionFreeJson, type ClassSummary, type ModuleSummary } from './summary';
import { moduleHasTwins } from './twin-names';
import { applyPattern, matchPattern, summarySignature, type WorkspaceIndex } from './workspace';

/**
 * What changed, by name; `memberSets`: some class's (or the module's) set of member names
 * changed; `syntaxErrors`: whether the file has syntax errors changed (which members exist is
 * then unknown: rules that ask read every statement).
 */
export interface ChangedNames {
  names: Set<string>;
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
const IDENTIFIER_CHAR = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

const CLASS_NAME = /(?:^|\n)[ \t]*class[ \t]+([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)/u;

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

function memberNamesOf(cls: ClassSummary | undefined, out: Set<string>): void {
  if (!cls) return;
  for (const n of Object.keys(cls.methods)) out.add(n);
  for (const n of cls.attributes ?? []) out.add(n);
  for (const n of Object.keys(cls.relationships)) out.add(n);
  for (const n of Object.keys(cls.attributeSources ?? {})) out.add(n);
  for (const n of Object.keys(cls.stringConstants ?? {})) out.add(n);
}

function sameKeys(a: object | undefined, b: object | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = new Set(Object.keys(b ?? {}));
  return ka.length === kb.size && ka.every((k) => kb.has(k));
}

function diffClass(name: string, before: ClassSummary | undefined, after: ClassSummary | undefined, changed: ChangedNames): void {
  if (before && after && json(before) === json(after)) return;
  changed.names.add(name);
  const restOf = (c: ClassSummary) => json(Object.fromEntries(Object.entries(c).filter(([k]) => !MEMBER_PARTS.has(k))));
  if (!before || !after || restOf(before) !== restOf(after)) {
    // Added, removed, or its bases / kind changed: every member may resolve differently.
    changed.classes.add(name);
    memberNamesOf(before, changed.names);
    memberNamesOf(after, changed.names);
    changed.memberSets = true;
    return;
  }
  for (const key of ['methods', 'relationships', 'attributeSources', 'stringConstants'] as const) {
    const a = before[key] as Record<string, unknown> | undefined;
    const b = after[key] as Record<string, unknown> | undefined;
    if (!sameKeys(a, b)) changed.memberSets = true;
    for (const k of keysOf(a, b)) if (json(a?.[k]) !== json(b?.[k])) changed.names.add(k);
  }
  const attrsBefore = new Set(before.attributes ?? []);
  const attrsAfter = new Set(after.attributes ?? []);
  for (const a of attrsBefore) if (!attrsAfter.has(a)) (changed.names.add(a), (changed.memberSets = true));
  for (const a of attrsAfter) if (!attrsBefore.has(a)) (changed.names.add(a), (changed.memberSets = true));
}

/** The names related to `name` by the twin naming patterns, both ways. */
function twinRelated(config: AsyncMigrateConfig, name: string, out: Set<string>): void {
  for (const pattern of [...config.twins.namePatterns, ...config.twins.methodPatterns]) {
    out.add(applyPattern(pattern, name));
    const base = matchPattern(pattern, name);
    if (base) out.add(base);
  }
}

const identifiersOfEntry = new WeakMap<object, string[]>();

/** Whether the summary entry's position-free JSON names any of names. */
function mentionsAny(entry: object, names: Set<string>): boolean {
  let ids = identifiersOfEntry.get(entry);
  if (!ids) {
    const found = new Set<string>();
    identifiersOf(json(entry), found);
    identifiersOfEntry.set(entry, (ids = [...found]));
  }
  return ids.some((id) => names.has(id));
}

/**
 * What changed between two summaries of one file and between its module-level statements
 * (`statementsBefore` / `statementsAfter`: the text of each top-level statement that is not a
 * definition), or undefined when readers cannot be told by a name.
 */
export function changedNames(
  before: ModuleSummary | undefined,
  after: ModuleSummary | undefined,
  statementsBefore: string[],
  statementsAfter: string[],
  index: WorkspaceIndex,
  config: AsyncMigrateConfig,
): ChangedNames | undefined {
  const changed: ChangedNames = { names: new Set(), classes: new Set(), memberSets: false, syntaxErrors: false };
  // Module-level statements: the names in those that changed (a multiset difference).
  const counts = new Map<string, number>();
  for (const s of statementsBefore) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const s of statementsAfter) counts.set(s, (counts.get(s) ?? 0) - 1);
  for (const [statement, n] of counts) {
    if (n === 0) continue;
    // An import (or `__all__`, `TYPE_CHECKING`…) is read by facts about the whole file.
    if (/\bimport\b|__all__|__getattr__|globals|TYPE_CHECKING|__future__/.test(statement)) return undefined;
    identifiersOf(statement, changed.names);
    // A class header (chunks.ts analysisChunksOf): its members read it.
    const header = classNameOf(statement);
    if (header) changed.classes.add(header);
  }
  if (before !== after && !(before && after && summarySignature(before) === summarySignature(after))) {
    if (!before || !after || before.moduleName !== after.moduleName) return undefined;
    for (const part of WHOLE_PARTS) if (json(before[part]) !== json(after[part])) return undefined;
    changed.syntaxErrors = before.hasSyntaxErrors !== after.hasSyntaxErrors;
    for (const name of keysOf(before.functions, after.functions)) {
      const a = before.functions[name];
      const b = after.functions[name];
      if (!a || !b || json(a) !== json(b)) changed.names.add(name);
    }
    for (const name of keysOf(before.classes, after.classes)) diffClass(name, before.classes[name], after.classes[name], changed);
    for (const name of keysOf(before.variables, after.variables)) {
      const a = before.variables[name];
      const b = after.variables[name];
      if (!a || !b || json(a) !== json(b)) changed.names.add(name);
    }
    const definedBefore = new Set(before.definedNames ?? []);
    const definedAfter = new Set(after.definedNames ?? []);
    for (const n of definedBefore) if (!definedAfter.has(n)) (changed.names.add(n), (changed.memberSets = true));
    for (const n of definedAfter) if (!definedBefore.has(n)) (changed.names.add(n), (changed.memberSets = true));
    if (moduleHasTwins(index, before) !== moduleHasTwins(index, after)) return undefined;
  }
  if (!changed.names.size) return changed;
  // Closed over the summary entries that mention a changed name, and over twin names.
  // Twin names are one step from a changed name (their readers name the other twin): never expanded again.
  const expanded = new Set<string>();
  for (let size = -1; size !== changed.names.size; ) {
    const twins = new Set<string>();
    for (const n of changed.names) if (!expanded.has(n)) (expanded.add(n), twinRelated(config, n, twins));
    for (const t of twins) if (!changed.names.has(t)) (expanded.add(t), changed.names.add(t));
    size = changed.names.size;
    const mentions = { test: (entry: object) => mentionsAny(entry, changed.names) };
    for (const summary of [before, after]) {
      if (!summary) continue;
      for (const [name, f] of Object.entries(summary.functions)) if (mentions.test(f)) changed.names.add(name);
      for (const [name, v] of Object.entries(summary.variables)) if (mentions.test(v)) changed.names.add(name);
      for (const [name, c] of Object.entries(summary.classes)) {
        if (!mentions.test(c)) continue;
        changed.names.add(name);
        // A member that mentions it changes (and is read by its name); anything else about the
        // class (bases, decorators, attribute sources) may change every member.
        let byMember = false;
        for (const [method, f] of Object.entries(c.methods)) if (mentions.test(f)) (changed.names.add(method), (byMember = true));
        for (const [relationship, r] of Object.entries(c.relationships)) if (mentions.test(r)) (changed.names.add(relationship), (byMember = true));
        const rest = { ...c, name: '', methods: {}, relationships: {}, attributes: [] };
        if (!byMember || mentions.test(rest)) {
          memberNamesOf(c, changed.names);
          changed.classes.add(name);
        }
      }
    }
  }
  const configured = wordsOfConfig(config);
  for (const n of changed.names) if (configured.has(n)) return undefined;
  // Through other modules back into this one (`from b import f` where b imports this file).
  if (after && importsReach(index.forFile(after.path), after)) return undefined;
  return changed;
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

/** The chunks (sorted, of text) whose text names any of names as a whole identifier. */
export function chunksNaming(text: string, chunks: Chunk[], names: Set<string>): Set<Chunk> {
  const out = new Set<Chunk>();
  const add = (at: number) => {
    const chunk = chunks[chunkIndexAt(chunks, at)];
    if (chunk && chunk.start <= at) out.add(chunk);
    return chunk;
  };
  if (names.size > 40) {
    // Many names: one pass over the identifiers of the text.
    for (const m of text.matchAll(IDENTIFIER)) if (names.has(m[0]) && (m.index === 0 || !IDENTIFIER_CHAR.test(text.charAt(m.index! - 1)))) add(m.index!);
    return out;
  }
  for (const name of names) {
    if (!name) continue;
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
      if (at > 0 && IDENTIFIER_CHAR.test(text.charAt(at - 1))) continue;
      const after = at + name.length;
      if (after < text.length && IDENTIFIER_CHAR.test(text.charAt(after))) continue;
      const chunk = add(at);
      // Nothing more to learn in this chunk for this name.
      if (chunk && chunk.start <= at) at = Math.max(at, chunk.lineEnd);
    }
  }
  return out;
}
