// The engine's entry points: analyse one file against the workspace index, and apply fixes.
import type { AsyncMigrateConfig } from './config';
import { codeSelected, configForPath } from './config';
import { applyEdits, selectNonOverlappingFiles } from './fixes/edits';
import { type Node, parsePython } from './parser';
import type { Report, Rule, RuleContext, RuleScope } from './rule';
import { RULES } from './rules/registry';
import { FileFacts } from './semantics';
import { SourceFile, inErrorRegion, syntaxErrorCount } from './source';
import { moduleNamesOf } from './import-roots';
import { summarize, summarizeIncremental, type IncrementalSummary, type ModuleSummary, type SummaryState } from './summary';
import { collectSuppressions, isSuppressed } from './suppression';
import type { Finding, Fix } from './types';
import type { SourceTexts, WorkspaceIndex } from './workspace';

export interface RunOptions {
  /** Codes or prefixes to run (overrides config.select). */
  select?: string[];
  /** Codes or prefixes to skip (added to config.ignore). */
  ignore?: string[];
  /** CI mode: rules marked offInCiByDefault run only when explicitly selected. */
  ci?: boolean;
  /** Analysing for "Migrate this endpoint" (see RuleContext.endpointMigration). */
  endpointMigration?: boolean;
}

/**
 * Hint rules that feed the endpoint inventory (legacy queries in sync code, sync endpoints):
 * fix-all leaves them alone unless selected explicitly, so one command never migrates a whole
 * code base at once (the seed's lesson). Shared by the CLI's `fix` and the editor's fix-all.
 */
export function isInventoryHint(code: string): boolean {
  const rule = RULES.find((r) => r.code === code);
  return !!rule && (!!rule.offInCiByDefault || rule.defaultSeverity === 'hint');
}

/** Fix-all's policy, in the CLI and the editor alike: an inventory hint only when its code is selected. */
export function fixAllIncludes(finding: Finding, select?: string[]): boolean {
  return !isInventoryHint(finding.code) || !!select?.includes(finding.code);
}

export function ruleEnabled(code: string, config: AsyncMigrateConfig, options: RunOptions = {}): boolean {
  const rule = RULES.find((r) => r.code === code);
  return !!rule && enabledRule(rule, config, options);
}

function enabledRule(rule: Rule, config: AsyncMigrateConfig, options: RunOptions): boolean {
  const code = rule.code;
  if (!codeSelected(config, code, options.select, options.ignore)) return false;
  if (options.ci && rule.offInCiByDefault) {
    const explicit = options.select ?? config.select;
    if (!explicit?.some((s) => s === code)) return false;
  }
  return true;
}

/** Parses text into a SourceFile whose module name follows the import roots (import-roots.ts). */
export function parseSource(path: string, text: string, config: AsyncMigrateConfig, oldTree?: SourceFile['tree'], lineStarts?: number[]): { file: SourceFile; isPackage: boolean } {
  const { moduleName, isPackage } = moduleNamesOf(path, config);
  return { file: SourceFile.parse(path, moduleName, text, oldTree, lineStarts), isPackage };
}

const PACKAGE_INIT = /(^|\/)__init__\.pyi?$/;

export function summarizeSource(file: SourceFile): ModuleSummary {
  return summarize(file, PACKAGE_INIT.test(file.path));
}

/** summarizeSource, reusing the unchanged top-level definitions of the same document's previous summary (summary.ts). */
export function summarizeSourceIncremental(file: SourceFile, previous: SummaryState | undefined): IncrementalSummary {
  return summarizeIncremental(file, PACKAGE_INIT.test(file.path), previous);
}

export function analyzeFile(file: SourceFile, index: WorkspaceIndex, config: AsyncMigrateConfig, options: RunOptions = {}): Finding[] {
  return runRules(file, index, config, options);
}

/**
 * Runs the enabled rules over file. With a `scope` (incremental.ts), definition-local rules
 * look only at the nodes of the scope's chunks and their findings elsewhere are dropped (the
 * caller reuses the previous ones there); file-wide rules always run over the whole file.
 */
export function runRules(file: SourceFile, index: WorkspaceIndex, workspaceConfig: AsyncMigrateConfig, options: RunOptions = {}, scope?: RuleScope, raw = false): Finding[] {
  // A sub-project's own [tool.async-migrate] applies to its files (config.ts configForPath).
  const config = configForPath(workspaceConfig, file.path);
  const facts = new FileFacts(file, index, config);
  index = facts.index;
  const suppressions = collectSuppressions(file);
  const findings: Finding[] = [];
  const run = (rule: Rule, part: 'definition' | 'file') => {
    const scoped = scope && part === 'definition' ? scope : undefined;
    const severitySetting = config.severity[rule.code];
    const severity = severitySetting && severitySetting !== 'off' ? severitySetting : rule.defaultSeverity;
    const context: RuleContext = {
      file,
      facts,
      index,
      config,
      scoped: scoped ? (nodes, startOf) => scoped.filter(nodes, startOf) : (nodes) => nodes,
      partial: !!scoped,
      endpointMigration: !!options.endpointMigration,
      report(report: Report) {
        const start = report.node ? report.node.startIndex : (report.start ?? 0);
        const end = report.node ? report.node.endIndex : (report.end ?? start);
        if (scoped && !scoped.contains(start)) return;
        if (report.node && inErrorRegion(report.node)) return;
        if (!report.node && file.root.hasError) {
          const node: Node | null = file.root.descendantForIndex(start, Math.max(start, end - 1));
          if (node && inErrorRegion(node)) return;
        }
        const range = file.rangeOf(start, end);
        if (isSuppressed(suppressions, rule.code, range.start.line, range.end.line)) return;
        const finding: Finding = {
          path: file.path,
          code: rule.code,
          rule: rule.name,
          severity,
          message: report.message,
          start,
          end,
          range,
          fix: report.fix,
          noFixReason: report.noFixReason,
          suggestions: report.suggestions,
          related: report.related,
          tags: report.tags,
        };
        findings.push(finding);
        // A fix editing other files depends on their texts: recomputed on every edit, never reused.
        if (part === 'file' || editsOtherFiles(finding)) fileWideFindings.add(finding);
      },
    };
    try {
      if (part === 'file') (rule.locality === 'file' ? rule.check : rule.checkFile!)(context);
      else rule.check(context);
    } catch (error) {
      // One rule's bug must not hide the others' findings (nor crash a server).
      const finding = internalErrorFinding(file, rule.code, error);
      fileWideFindings.add(finding);
      findings.push(finding);
    }
  };
  for (const rule of RULES) {
    if (!enabledRule(rule, config, options)) continue;
    if (rule.locality === 'definition') run(rule, 'definition');
    if (rule.locality === 'file' || rule.checkFile) run(rule, 'file');
  }
  return raw ? sortFindings(findings) : finishFindings(file, findings);
}

/**
 * The findings as published: in a file with syntax errors, fixes that make it parse worse are
 * dropped (this reads the whole file, so an incremental analysis keeps the raw findings and
 * applies it to copies each time). `checkFixes` false leaves that check (a reparse per fix) to
 * whoever uses a fix (withFixVerdicts): only the limit on how many fixes a broken file may
 * carry applies, which is a count.
 */
export function finishFindings(file: SourceFile, findings: Finding[], checkFixes = true): Finding[] {
  if (file.root.hasError && !dropFixesOverLimit(findings) && checkFixes) {
    for (const finding of findings) {
      const checked = withFixVerdict(file, finding);
      if (checked !== finding) Object.assign(finding, checked);
    }
  }
  return sortFindings(findings);
}

/**
 * Findings of file-wide rules and parts (RuleLocality): an incremental analysis recomputes them
 * on every edit instead of reusing them.
 */
const fileWideFindings = new WeakSet<Finding>();

export function isFileWide(finding: Finding): boolean {
  return fileWideFindings.has(finding);
}

/** Whether the finding's fix or a suggestion also edits other files (Fix.otherFiles). */
export function editsOtherFiles(finding: Finding): boolean {
  return [finding.fix, ...(finding.suggestions ?? [])].some((f) => !!f?.otherFiles?.length);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.start - b.start || a.end - b.end || (a.code < b.code ? -1 : 1));
}

/** Above this many fixes in a file with syntax errors, checking each one costs more than it is worth while typing. */
const MAX_FIXES_CHECKED_IN_BROKEN_FILE = 8;
const BROKEN_FILE_REASON = 'the file has syntax errors and this edit would make it parse worse: fix the syntax first';

/**
 * In a file with syntax errors, true when findings carry more fixes than are worth checking: then
 * none is offered, whatever the other findings (analysis/range-analysis.ts relies on that).
 */
export function fixesNotCheckedInBrokenFile(findings: Finding[]): boolean {
  return findings.reduce((n, f) => n + (f.fix ? 1 : 0) + (f.suggestions?.length ?? 0), 0) > MAX_FIXES_CHECKED_IN_BROKEN_FILE;
}

/**
 * In a file with syntax errors, no fix is offered while the file has more than are worth
 * checking (they come back once it parses). True when it dropped them.
 */
function dropFixesOverLimit(findings: Finding[]): boolean {
  const withFixes = findings.filter((f) => f.fix || f.suggestions?.length);
  if (!fixesNotCheckedInBrokenFile(withFixes)) return false;
  for (const finding of withFixes) {
    if (finding.fix) finding.noFixReason = 'the file has syntax errors: its fixes come back once it parses';
    finding.fix = undefined;
    finding.suggestions = undefined;
  }
  return true;
}

/**
 * The findings with the fixes a user may apply: in a file that already has syntax errors,
 * tree-sitter's recovery can turn a local, correct edit into more errors elsewhere, so a fix (or
 * suggestion) is kept only when the file parses no worse after it (the refused fix's finding
 * says why). A copy for each finding that loses a fix, the finding itself otherwise. Each verdict
 * costs a reparse and is remembered for this parse of the file: the editor asks it for the fixes
 * at a code action's range, not the diagnostics (finishFindings' `checkFixes`). Clean files are
 * guarded in the fix loop.
 */
export function withFixVerdicts(file: SourceFile, findings: readonly Finding[]): Finding[] {
  if (!file.root.hasError) return [...findings];
  return findings.map((f) => withFixVerdict(file, f));
}

function withFixVerdict(file: SourceFile, finding: Finding): Finding {
  if (!finding.fix && !finding.suggestions?.length) return finding;
  const fixKept = !finding.fix || parsesNoWorse(file, finding.fix);
  const suggestions = finding.suggestions?.length ? finding.suggestions.filter((s) => parsesNoWorse(file, s)) : finding.suggestions;
  if (fixKept && suggestions?.length === finding.suggestions?.length) return finding;
  const checked: Finding = { ...finding };
  if (suggestions !== finding.suggestions) checked.suggestions = suggestions;
  if (!fixKept) {
    checked.fix = undefined;
    checked.noFixReason = BROKEN_FILE_REASON;
  }
  return checked;
}

/** Per parse of a broken file: its syntax error count and the verdict of each fix checked against it. */
const verdicts = new WeakMap<SourceFile, { errors: number; byFix: WeakMap<Fix, boolean> }>();

/**
 * Whether the file parses no worse with the fix applied, both parsed from scratch: that is how
 * `check`, the next `fix` and the editor once typing stops (settle) see them. An incremental
 * reparse of the edited tree recovers from errors differently (an AM501 suggestion re-parsed
 * from the tree counted 2 errors where a fresh parse counts 4); the verdict runs where a fix is
 * offered or applied, not per keystroke, so it can afford whole parses.
 */
function parsesNoWorse(file: SourceFile, fix: Fix): boolean {
  let known = verdicts.get(file);
  if (!known) verdicts.set(file, (known = { errors: freshErrorCount(file.text), byFix: new WeakMap() }));
  let verdict = known.byFix.get(fix);
  if (verdict === undefined) {
    verdict = freshErrorCount(applyEdits(file.text, fix.edits)) <= known.errors;
    known.byFix.set(fix, verdict);
  }
  return verdict;
}

function freshErrorCount(text: string): number {
  const tree = parsePython(text);
  try {
    return syntaxErrorCount(tree.rootNode);
  } finally {
    tree.delete();
  }
}

function internalErrorFinding(file: SourceFile, code: string, error: unknown): Finding {
  const message = `internal error in rule ${code}: ${error instanceof Error ? error.message : String(error)} (please report it)`;
  return { path: file.path, code: 'AM000', rule: 'internal-error', severity: 'info', message, start: 0, end: 0, range: file.rangeOf(0, 0) };
}

export interface FixOptions extends RunOptions {
  /** Also apply unsafe fixes. */
  unsafe?: boolean;
  /** Only fixes of findings for which this returns true (e.g. inside one endpoint). */
  filter?: (finding: Finding) => boolean;
  maxPasses?: number;
  /** The tree of `text` when the caller parsed it already; fixText takes it over (and disposes it). */
  parsed?: SourceFile;
  /** Hand the tree of the returned text to the caller (FixResult.tree, which the caller disposes). */
  keepTree?: boolean;
  /**
   * Also apply fixes that edit other files (Fix.otherFiles; the index must have `sources`): the
   * caller writes FixResult.otherTexts too. Without it such fixes are left, never half-applied.
   */
  otherFiles?: boolean;
}

export interface FixResult {
  text: string;
  /** Findings whose fixes were applied, across passes (positions are of the pass they came from). */
  applied: Finding[];
  /** Findings left after the last pass. */
  remaining: Finding[];
  passes: number;
  /** The parsed returned text, with options.keepTree. */
  tree?: SourceFile;
  /** With options.otherFiles: the new texts of other files the applied fixes edited (the index describes them). */
  otherTexts: Map<string, string>;
}

export function fixable(finding: Finding, unsafe: boolean): Fix | undefined {
  if (!finding.fix) return undefined;
  if (finding.fix.applicability === 'unsafe' && !unsafe) return undefined;
  return finding.fix;
}

/**
 * Applies fixes until nothing more applies (like ruff/ESLint): each pass applies the fixes that
 * do not overlap, re-parses, and re-indexes the file so later passes see earlier results.
 * The index is left with the summary of the final text.
 */
export function fixText(path: string, text: string, index: WorkspaceIndex, config: AsyncMigrateConfig, options: FixOptions = {}): FixResult {
  const maxPasses = options.maxPasses ?? 10;
  const applied: Finding[] = [];
  let current = text;
  let remaining: Finding[] = [];
  let passes = 0;
  // The tree parsed to check a pass is the next pass's tree: each text is parsed once.
  let nextFile: SourceFile | undefined = options.parsed;
  let kept: SourceFile | undefined;
  // Other files edited by applied fixes: later passes read their new texts.
  const otherTexts = new Map<string, string>();
  const hostSources = index.sources;
  const withOthers = !!options.otherFiles && !!hostSources;
  if (withOthers) index.sources = { textOf: (p) => (p === path ? current : (otherTexts.get(p) ?? hostSources!.textOf(p))) } satisfies SourceTexts;
  try {
    for (;;) {
      const file = nextFile ?? parseSource(path, current, config).file;
      nextFile = undefined;
      let failed = false;
      try {
        index.upsert(summarizeSource(file));
        const findings = analyzeFile(file, index, config, options);
        remaining = findings;
        if (passes >= maxPasses) break;
        const candidates = findings.filter((f) => fixable(f, !!options.unsafe) && (withOthers || !f.fix!.otherFiles?.length) && (!options.filter || options.filter(f)));
        if (!candidates.length) break;
        const { edits, otherFiles, accepted } = selectNonOverlappingFiles(candidates.map((f) => f.fix!));
        if (!edits.length && !otherFiles.size) break;
        const next = applyEdits(current, edits);
        const others = [...otherFiles].map(([other, otherEdits]) => {
          const before = index.sources!.textOf(other) ?? '';
          return { path: other, before, after: applyEdits(before, otherEdits) };
        });
        if (next === current && others.every((o) => o.after === o.before)) break;
        // A fix must never make a file parse worse: reject the pass if it introduces errors.
        const { file: check } = parseSource(path, next, config);
        if ((!file.root.hasError && check.root.hasError) || others.some((o) => parsesWorse(o.before, o.after))) {
          check.dispose();
          remaining = findings;
          break;
        }
        nextFile = check;
        accepted.forEach((i) => applied.push(candidates[i]));
        current = next;
        for (const o of others) {
          otherTexts.set(o.path, o.after);
          const { file: otherFile } = parseSource(o.path, o.after, config);
          try {
            index.upsert(summarizeSource(otherFile));
          } finally {
            otherFile.dispose();
          }
        }
        passes++;
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // Leaving the loop without a next tree: `file` is the tree of the returned text.
        if (options.keepTree && !nextFile && !failed) kept = file;
        else file.dispose();
      }
    }
  } finally {
    if (withOthers) index.sources = hostSources;
  }
  return { text: current, applied, remaining, passes, tree: kept, otherTexts };
}

function parsesWorse(before: string, after: string): boolean {
  const errors = freshErrorCount(after);
  return errors > 0 && errors > freshErrorCount(before);
}
