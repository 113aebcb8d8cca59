// Fixes that also edit other files (a Query helper's callers in other modules, the callers of a
// function made async): the other files' texts come from the host through WorkspaceIndex.sources
// (the analysis layer reads no files). Each other file is parsed once per text and looked at
// through a RuleContext of its own, so the same rewriting code edits it.
import { configForPath } from '../config';
import { moduleNamesOf } from '../import-roots';
import type { RuleContext } from '../rule';
import { FileFacts } from '../semantics';
import { SourceFile, syntaxErrorCount } from '../source';
import type { FileEdits, TextEdit } from '../types';
import type { SourceTexts } from '../workspace';
import { applyEdits } from './edits';

/** A fix spanning more files than this is left to the user (a helper used everywhere). */
export const MAX_OTHER_FILES = 16;
/**
 * Parsed other files kept per text provider (trees live in wasm memory); the least recently used
 * is released beyond this many. One fix's files always fit, so none is released while in use.
 */
const MAX_PARSED = MAX_OTHER_FILES;

const parsedBySources = new WeakMap<SourceTexts, Map<string, SourceFile>>();
/**
 * The context of each parsed file, reused while the index's content (contentGeneration: names,
 * signatures, async-ness — what the callers' facts depend on) and the configuration stay the
 * same: its facts' caches then survive keystrokes in the file being analysed.
 */
const contextsByFile = new WeakMap<SourceFile, { generation: number; index: object; config: object; context: RuleContext }>();

function parsedFile(sources: SourceTexts, path: string, text: string, moduleName: string): SourceFile {
  let parsed = parsedBySources.get(sources);
  if (!parsed) parsedBySources.set(sources, (parsed = new Map()));
  const cached = parsed.get(path);
  if (cached && cached.text === text && cached.moduleName === moduleName) {
    // Most recently used last.
    parsed.delete(path);
    parsed.set(path, cached);
    return cached;
  }
  if (cached) {
    parsed.delete(path);
    cached.dispose();
  }
  const file = SourceFile.parse(path, moduleName, text);
  parsed.set(path, file);
  while (parsed.size > MAX_PARSED) {
    const [oldest, old] = parsed.entries().next().value as [string, SourceFile];
    parsed.delete(oldest);
    old.dispose();
  }
  return file;
}

/**
 * The other workspace file at path seen as a rule context (reports nothing), or undefined when
 * the host supplied no texts or none for path.
 */
export function otherFileContext(context: RuleContext, path: string): RuleContext | undefined {
  const sources = context.index.sources;
  const text = sources?.textOf(path);
  if (!sources || text === undefined) return undefined;
  const moduleName = context.index.fileByPath(path)?.moduleName ?? moduleNamesOf(path, context.config).moduleName;
  const file = parsedFile(sources, path, text, moduleName);
  // A sub-project's own configuration applies to its files.
  const config = configForPath(context.index.config, path);
  const cached = contextsByFile.get(file);
  if (cached && cached.generation === context.index.contentGeneration && cached.index === context.index && cached.config === config) return cached.context;
  const facts = new FileFacts(file, context.index, config);
  const other: RuleContext = { file, facts, index: facts.index, config, endpointMigration: context.endpointMigration, report: () => undefined, scoped: (nodes) => nodes, partial: false };
  contextsByFile.set(file, { generation: context.index.contentGeneration, index: context.index, config, context: other });
  return other;
}

/**
 * The path of an other file with syntax errors that would parse worse after its edits (PRODUCT.md
 * §1.2), if any. Clean files are checked when the fix is applied (fixText), as the fix's own file.
 */
export function otherFileParsingWorse(context: RuleContext, otherFiles: readonly FileEdits[]): string | undefined {
  for (const { path, edits } of otherFiles) {
    const other = otherFileContext(context, path);
    if (!other) return path;
    if (!other.file.root.hasError) continue;
    const after = SourceFile.parse(path, other.file.moduleName, applyEdits(other.file.text, edits));
    try {
      if (syntaxErrorCount(after.root) > syntaxErrorCount(other.file.root)) return path;
    } finally {
      after.dispose();
    }
  }
  return undefined;
}

/** Edits grouped by file (each with the basis of the text they apply to), in path order, empty groups dropped. */
export function groupByFile(byPath: Map<string, { text: string; edits: TextEdit[] }>): FileEdits[] {
  return [...byPath.entries()]
    .filter(([, { edits }]) => edits.length)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([path, { text, edits }]) => ({ path, edits, basis: textBasis(text) }));
}

/**
 * A short fingerprint of a text (length and FNV-1a): an editor keeps a fix's findings while
 * other files change, so it checks that a file still has the text the fix's edits were made for.
 */
export function textBasis(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}:${(hash >>> 0).toString(16)}`;
}
