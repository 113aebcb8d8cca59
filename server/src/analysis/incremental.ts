// Incremental analysis of an edited file, per top-level definition. A keystroke usually changes
// one top-level statement (a function body, a comment, a string): definition-local rules
// (rule.ts RuleLocality) re-run over the statements the edit touched, the findings of the other
// statements are reused (their offsets, lines and fix edits shifted by the edit), and file-wide
// rules re-run over the whole file. When the file's summary (definitions, signatures,
// async-ness, members) or a top-level statement that is not a definition (module variables)
// changed, the statements that name what changed are re-analysed too (summary-dependents.ts),
// and module variables binding a name the edited statements mention; everything is recomputed
// when that cannot be told by names (imports, routes, syntax errors gone from a large part of
// the file, the root node an ERROR), when another file's summary changed (the index's
// contentGenerationOutside), or file-wide suppressions, the line-break style, the config or the
// rules run changed. The version reused is the last one or one it retains (chunks.ts
// RetainedVersions: a bracket or quote closed again). Statements with syntax errors are always
// re-analysed. In a file with errors, the check that a fix parses no worse runs over
// the combined findings, reused ones included: tree-sitter's error recovery is not local, so an
// edit elsewhere can change a verdict; each check parses the fixed text from scratch. The
// editor leaves that check to the fixes it uses
// (`checkFixes` false; engine.ts withFixVerdicts). The summary is made incremental the same way (summary.ts
// summarizeIncremental, chunks.ts). Pure: text in, findings out.
import type { AsyncMigrateConfig } from './config';
import { type Chunk, type ChunkMove, type RetainedVersions, chunkIndexAt, chunksOf, functionBodyStart, retainVersions, reusableVersions } from './chunks';
import { analysisChunksOf, selfBindingMembers } from './class-members';
import { type RunOptions, finishFindings, isFileWide, ruleEnabled, runRules, sortFindings } from './engine';
import type { Node } from './parser';
import type { RuleScope } from './rule';
import { RULES } from './rules/registry';
import type { SourceFile } from './source';
import type { ModuleSummary } from './summary';
import { type Statement, bindersOf, changedNames, chunksNaming, classNameOf, namesIn } from './summary-dependents';
import type { Finding, Fix, Position, RelatedInfo, TextEdit } from './types';
import type { WorkspaceIndex } from './workspace';
import { firstIndexNotBefore } from './sorted';

/** What the next analysis of the same document needs from this one (and from the versions it retains: chunks.ts). */
export interface IncrementalState extends RetainedVersions<IncrementalState> {
  readonly text: string;
  readonly key: string;
  readonly config: AsyncMigrateConfig;
  readonly options: RunOptions;
  readonly chunks: Chunk[];
  readonly lineStarts: number[];
  readonly findings: Finding[];
  /** The file's summary in the index when analysed (diffed by the next analysis). */
  readonly summary: ModuleSummary | undefined;
}

export interface IncrementalResult {
  findings: Finding[];
  state: IncrementalState;
  /** Top-level statements re-analysed by definition-local rules (all of them in a full analysis). */
  reanalysed: number;
  chunks: number;
  full: boolean;
}

const DEFINITION_TYPES = new Set(['function_definition', 'class_definition', 'decorated_definition', 'comment']);

/**
 * What definition-local rules read outside their own statement and the summary-dependents diff
 * does not cover (see the header): other files' summaries, names, line breaks, suppressions.
 */
function contextKey(file: SourceFile, chunks: Chunk[], index: WorkspaceIndex): string {
  // Fixes write the file's line break style (any '\r\n' in the file makes it CRLF).
  const parts = [String(index.contentGenerationOutside(file.path)), file.path, file.moduleName, String(file.text.includes('\r\n')), String(file.text.includes('\r'))];
  // Methods binding `self.x` are read by their siblings (class-members.ts selfBindingMembers).
  parts.push(...selfBindingMembers(file, chunks));
  // `ignore-file` directives apply everywhere.
  if (/ignore-file/i.test(file.text)) for (const m of file.text.matchAll(/#\s*async-migrate:\s*ignore-file[^\r\n]*/gi)) parts.push(m[0]);
  return parts.join('\u0000');
}

/** Each statement that is not a definition (imports, module variables, errors; class attributes). */
function moduleStatements(text: string, chunks: Chunk[]): Statement[] {
  const out: Statement[] = [];
  for (const c of chunks) if (!DEFINITION_TYPES.has(c.type)) out.push({ text: text.slice(c.start, c.end), inClass: !!c.inClass });
  return out;
}

/** Rules whose findings read a whole set of member names (AM204's "did you mean"), not only the names a statement mentions. */
const MEMBER_SET_READERS = new Set(['AM204']);
/**
 * Rules that read whether the file has syntax errors (AM204: which members exist is then
 * unknown, and it does not report).
 */
const SYNTAX_ERROR_READERS = new Set(['AM204']);

/** What a summary or module-level change makes dirty: chunks, and rules to re-run over every chunk. */
interface SummaryDependents {
  chunks: Set<Chunk>;
  rules: string[];
}

/**
 * The chunks of file whose definition-local findings may differ from `previous`'s because the
 * summary or a module-level statement changed (summary-dependents.ts); undefined: all of them.
 */
function summaryDependents(file: SourceFile, chunks: Chunk[], index: WorkspaceIndex, config: AsyncMigrateConfig, previous: IncrementalState, move: ChunkMove): SummaryDependents | undefined {
  const dependents = summaryReaders(file, chunks, index, config, previous, move);
  if (!dependents) return undefined;
  // The statements binding a name the edited statements mention (before or after the edit).
  const mentioned = new Set<string>();
  const kept = new Set(move.unchanged.values());
  for (const c of chunks) if (!kept.has(c)) namesIn(file.text.slice(c.start, c.end), mentioned);
  for (const c of previous.chunks) if (!move.unchanged.has(c)) namesIn(previous.text.slice(c.start, c.end), mentioned);
  const variables = chunks.filter((c) => !DEFINITION_TYPES.has(c.type) && c.type !== 'class_header');
  for (const c of bindersOf(file.text, variables, mentioned)) dependents.chunks.add(c);
  return dependents;
}

/** The chunks reading what changed in the summary or a module-level statement (summary-dependents.ts). */
function summaryReaders(file: SourceFile, chunks: Chunk[], index: WorkspaceIndex, config: AsyncMigrateConfig, previous: IncrementalState, move: ChunkMove): SummaryDependents | undefined {
  const summary = index.fileByPath(file.path);
  const before = moduleStatements(previous.text, previous.chunks);
  const after = moduleStatements(file.text, chunks);
  if (summary === previous.summary && before.length === after.length && before.every((s, i) => s.text === after[i].text && s.inClass === after[i].inClass)) return { chunks: new Set(), rules: [] };
  const changed = changedNames(previous.summary, summary, before, after, index, config);
  if (!changed) return undefined;
  const out = chunksNaming(file.text, chunks, changed, (c) => functionBodyStart(file, c));
  if (changed.classes.size) {
    // Every statement of those classes (their methods resolve `self.x` through the bases).
    for (const top of chunksOf(file)) {
      if (top.type !== 'class_definition' && top.type !== 'decorated_definition') continue;
      const name = classNameOf(file.text.slice(top.start, top.end));
      if (!name || !changed.classes.has(name)) continue;
      for (const c of chunks) if (c.start >= top.start && c.start <= top.end) out.add(c);
    }
  }
  /** The statements where rules `codes` reported in `previous`. */
  const addReporters = (codes: Set<string>) => {
    for (const f of previous.findings) {
      if (!codes.has(f.code)) continue;
      const at = move.mapOffset(f.start);
      const chunk = at === undefined ? undefined : chunks[chunkIndexAt(chunks, at)];
      if (chunk) out.add(chunk);
    }
  };
  // Their "closest existing member" reads the whole set: the statements where they reported.
  if (changed.memberSets) addReporters(MEMBER_SET_READERS);
  if (!changed.syntaxErrors) return { chunks: out, rules: [] };
  // Syntax errors appeared: which members exist becomes unknown, so those rules only stop
  // reporting (callee.ts memberExists), where they reported.
  if (summary?.hasSyntaxErrors) {
    addReporters(SYNTAX_ERROR_READERS);
    return { chunks: out, rules: [] };
  }
  // Those rules over every statement and the others over a large part of the file (a bracket
  // that reshaped it) cost more than everything at once (measured on the bench's file;
  // statements with syntax errors cost little).
  const clean = new Set(move.unchanged.values());
  let dirtyLength = 0;
  for (const c of chunks) if (!c.hasError && (out.has(c) || !clean.has(c))) dirtyLength += c.end - c.start;
  return dirtyLength > file.text.length * 0.3 ? undefined : { chunks: out, rules: [...SYNTAX_ERROR_READERS] };
}

/**
 * The findings as published, finished (engine.ts) on copies: raw findings stay reusable. Only a
 * file with syntax errors has fixes to drop or check (finishFindings), so only there are findings
 * with fixes copied.
 */
export function finishCopies(file: SourceFile, raw: Finding[], checkFixes = true): Finding[] {
  if (!file.root.hasError) return finishFindings(file, [...raw], checkFixes);
  return finishFindings(file, raw.map((f) => (f.fix || f.suggestions?.length ? { ...f } : f)), checkFixes);
}

type ReusableBase = { version: IncrementalState; move: ChunkMove; dependents: SummaryDependents } | undefined;

/** The last answer of reusableBase: a code action asks (reusesPrevious) right before the analysis of the same version does. */
let lastBase: { file: SourceFile; previous: IncrementalState | undefined; key: string; config: AsyncMigrateConfig; options: string; summary: ModuleSummary | undefined; base: ReusableBase } | undefined;

/** A version analyzeFileIncremental reuses for file, with what it reuses; undefined: it analyses the whole file. */
function reusableBase(file: SourceFile, chunks: Chunk[], key: string, index: WorkspaceIndex, config: AsyncMigrateConfig, previous: IncrementalState | undefined, options: RunOptions): ReusableBase {
  const summary = index.fileByPath(file.path);
  const optionsKey = JSON.stringify(options);
  const last = lastBase;
  if (last && last.file === file && last.previous === previous && last.key === key && last.config === config && last.options === optionsKey && last.summary === summary) return last.base;
  let base: ReusableBase;
  // Error recovery can make the root itself an ERROR node: then nothing is reported anywhere (engine.ts report), whatever the statements' text.
  const versions = file.root.type === 'module' ? reusableVersions(previous, file, chunks, (v) => sameContext(v, key, config, options)) : [];
  for (const { version, move } of versions) {
    const dependents = summaryDependents(file, chunks, index, config, version, move);
    if (dependents) {
      base = { version, move, dependents };
      break;
    }
  }
  lastBase = { file, previous, key, config, options: optionsKey, summary, base };
  return base;
}

/** True when analyzeFileIncremental reuses `previous` (or a version it retains) for file. */
export function reusesPrevious(file: SourceFile, index: WorkspaceIndex, config: AsyncMigrateConfig, previous: IncrementalState | undefined, options: RunOptions = {}): boolean {
  const chunks = analysisChunksOf(file);
  return reusableBase(file, chunks, contextKey(file, chunks, index), index, config, previous, options) !== undefined;
}

function sameContext(previous: IncrementalState | undefined, key: string, config: AsyncMigrateConfig, options: RunOptions): previous is IncrementalState {
  return !!previous && previous.key === key && previous.config === config && JSON.stringify(previous.options) === JSON.stringify(options);
}

const FILE_RULES = RULES.filter((r) => r.locality === 'file').map((r) => r.code);

/**
 * runRules (raw) with the findings of the file-wide rules (RuleLocality 'file') given, when
 * computed already for this text, index and config (analysis/range-analysis.ts), else run.
 */
export function runRulesWith(
  file: SourceFile,
  index: WorkspaceIndex,
  config: AsyncMigrateConfig,
  options: RunOptions,
  scope: RuleScope | undefined,
  fileWide?: Finding[],
): { raw: Finding[]; fileWide: Finding[] } {
  const others = runRules(file, index, config, { ...options, ignore: [...(options.ignore ?? []), ...FILE_RULES] }, scope, true);
  // Selected as runRules would (ruleEnabled applies the CI policy, so `ci` is not passed twice).
  const enabled = FILE_RULES.filter((code) => ruleEnabled(code, config, options));
  fileWide ??= enabled.length ? runRules(file, index, config, { ...options, ci: false, select: enabled, ignore: undefined }, undefined, true) : [];
  return { raw: sortFindings([...others, ...fileWide]), fileWide };
}

/**
 * Analyses file, reusing `previous` (the state of the same document's last analysis), or one of
 * the versions it retains, where the edits since left top-level statements unchanged. Equal to
 * analyzeFile(file, …) (incremental.test.ts).
 * `fileWide`: the raw findings of the file-wide rules for this very text, index and config, when
 * a code action or hover computed them already (runRulesWith). `checkFixes` false: in a file with
 * syntax errors, the fixes are not checked against it (engine.ts finishFindings).
 */
export function analyzeFileIncremental(
  file: SourceFile,
  index: WorkspaceIndex,
  config: AsyncMigrateConfig,
  previous: IncrementalState | undefined,
  options: RunOptions = {},
  fileWide?: Finding[],
  checkFixes = true,
): IncrementalResult {
  const chunks = analysisChunksOf(file);
  const key = contextKey(file, chunks, index);
  const summary = index.fileByPath(file.path);
  const publish = (raw: Finding[]) => finishCopies(file, raw, checkFixes);
  const run = (scope: RuleScope | undefined, runOptions = options) => (fileWide ? runRulesWith(file, index, config, runOptions, scope, fileWide).raw : runRules(file, index, config, runOptions, scope, true));
  const state = (raw: Finding[]): IncrementalState => ({ text: file.text, key, config, options, chunks, lineStarts: file.lineStarts, findings: raw, summary, ...retainVersions(previous) });
  const base = reusableBase(file, chunks, key, index, config, previous, options);
  if (!base) {
    const raw = run(undefined);
    return { findings: publish(raw), state: state(raw), reanalysed: chunks.length, chunks: chunks.length, full: true };
  }
  const { version: reusedVersion, move, dependents } = base;
  const { unchanged: cleanOld, mapOffset, mapPosition, lineDelta } = move;

  // Reuse the old definition-local findings of clean chunks; a finding whose edits or related
  // locations fall into the changed text makes its chunk dirty.
  const reused = new Map<Chunk, Finding[]>();
  const dirtyAfterAll = new Set<Chunk>();
  for (const f of reusedVersion.findings) {
    if (isFileWide(f)) continue;
    const at = chunkIndexAt(reusedVersion.chunks, f.start);
    const old = reusedVersion.chunks[at];
    if (!old || f.start < old.start) continue;
    const clean = cleanOld.get(old);
    if (!clean || dirtyAfterAll.has(clean) || dependents.chunks.has(clean) || dependents.rules.includes(f.code)) continue;
    // A message naming a line number (`loaded at line 12`) is only reusable when no line moved.
    const moved = lineDelta !== 0 && mentionsLine(f) ? undefined : shiftFinding(f, file.path, mapOffset, mapPosition);
    if (!moved) {
      dirtyAfterAll.add(clean);
      reused.delete(clean);
      continue;
    }
    const list = reused.get(clean) ?? [];
    list.push(moved);
    reused.set(clean, list);
  }

  const cleanNew = new Set([...cleanOld.values()].filter((c) => !dirtyAfterAll.has(c) && !dependents.chunks.has(c)));
  const dirty = chunks.filter((c) => !cleanNew.has(c));
  const scope = chunkScope(dirty, chunks.filter((c) => cleanNew.has(c)));
  let raw: Finding[];
  if (dependents.rules.length) {
    // Those rules over every statement, the others over the dirty ones (selected as runRulesWith does).
    raw = run(scope, { ...options, ignore: [...(options.ignore ?? []), ...dependents.rules] });
    const whole = dependents.rules.filter((code) => ruleEnabled(code, config, options));
    if (whole.length) raw.push(...runRules(file, index, config, { ...options, ci: false, select: whole, ignore: undefined }, undefined, true));
  } else raw = run(scope);
  for (const [chunk, list] of reused) if (cleanNew.has(chunk)) raw.push(...list);
  sortFindings(raw);
  return { findings: publish(raw), state: state(raw), reanalysed: dirty.length, chunks: chunks.length, full: false };
}

/** Sorted chunks: the one whose [start, lineEnd] holds offset, if any. */
function chunkHolding(chunks: Chunk[], offset: number): Chunk | undefined {
  const c = chunks[chunkIndexAt(chunks, offset)];
  return c && c.start <= offset ? c : undefined;
}

/** The scope of definition-local rules re-run over `dirty` (sorted); `clean` are the other chunks. */
export function chunkScope(dirty: Chunk[], clean: Chunk[]): RuleScope {
  return {
    // A finding belongs to the chunk holding its start; outside the clean ones it is recomputed.
    contains: (offset) => !chunkHolding(clean, offset),
    filter<T>(nodes: T[], startOf: (node: T) => number = (n) => (n as unknown as Node).startIndex): T[] {
      const out: T[] = [];
      // Chunks sharing a line overlap by their lineEnd: never hand a node out twice.
      let next = 0;
      for (const c of dirty) {
        // nodes are in document order: binary search the first starting in c.
        let i = firstIndexNotBefore(nodes.length, (k) => startOf(nodes[k]) < c.start, next);
        for (; i < nodes.length && startOf(nodes[i]) <= c.lineEnd; i++) out.push(nodes[i]);
        next = i;
      }
      return out;
    },
  };
}

const LINE_NUMBER = /\blines? \d/;

function mentionsLine(f: Finding): boolean {
  return LINE_NUMBER.test(f.message) || LINE_NUMBER.test(f.noFixReason ?? '') || !!f.related?.some((r) => LINE_NUMBER.test(r.message)) || [f.fix, ...(f.suggestions ?? [])].some((x) => !!x && LINE_NUMBER.test(x.title));
}

function shiftEdits(edits: TextEdit[], mapOffset: (o: number) => number | undefined): TextEdit[] | undefined {
  let out: TextEdit[] | undefined;
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i];
    const start = mapOffset(e.start);
    const end = mapOffset(e.end);
    if (start === undefined || end === undefined) return undefined;
    if (!out && start === e.start && end === e.end) continue;
    out ??= edits.slice(0, i);
    out.push({ ...e, start, end });
  }
  return out ?? edits;
}

function shiftFix(fix: Fix, mapOffset: (o: number) => number | undefined): Fix | undefined {
  const edits = shiftEdits(fix.edits, mapOffset);
  return edits && (edits === fix.edits ? fix : { ...fix, edits });
}

/**
 * The finding moved from the old text to the new one, or undefined when part of it falls in the
 * change. What did not move is kept as it was (the finding itself when nothing moved: most
 * findings before the edit), so a keystroke copies only what it shifts.
 */
function shiftFinding(
  f: Finding,
  path: string,
  mapOffset: (o: number) => number | undefined,
  mapPosition: (p: Position) => Position | undefined,
): Finding | undefined {
  const start = mapOffset(f.start);
  const end = mapOffset(f.end);
  const rangeStart = mapPosition(f.range.start);
  const rangeEnd = mapPosition(f.range.end);
  if (start === undefined || end === undefined || !rangeStart || !rangeEnd) return undefined;
  let changed = start !== f.start || end !== f.end || rangeStart !== f.range.start || rangeEnd !== f.range.end;
  let fix = f.fix;
  if (fix) {
    fix = shiftFix(fix, mapOffset);
    if (!fix) return undefined;
    changed ||= fix !== f.fix;
  }
  let suggestions = f.suggestions;
  if (suggestions) {
    const shifted: Fix[] = [];
    for (const s of suggestions) {
      const moved = shiftFix(s, mapOffset);
      if (!moved) return undefined;
      shifted.push(moved);
    }
    if (shifted.some((s, i) => s !== suggestions![i])) (suggestions = shifted), (changed = true);
  }
  let related = f.related;
  if (related) {
    const shifted: RelatedInfo[] = [];
    for (const r of related) {
      if (r.path !== path) {
        shifted.push(r);
        continue;
      }
      const s = mapPosition(r.range.start);
      const e = mapPosition(r.range.end);
      if (!s || !e) return undefined;
      shifted.push(s === r.range.start && e === r.range.end ? r : { ...r, range: { start: s, end: e } });
    }
    if (shifted.some((r, i) => r !== related![i])) (related = shifted), (changed = true);
  }
  if (!changed) return f;
  const moved: Finding = { ...f, start, end, range: rangeStart === f.range.start && rangeEnd === f.range.end ? f.range : { start: rangeStart, end: rangeEnd } };
  if (fix) moved.fix = fix;
  if (suggestions) moved.suggestions = suggestions;
  if (related) moved.related = related;
  return moved;
}
