// Findings for a range of a file, without analysing every definition: what a code action or a
// hover at the cursor needs when the analysis of the version typed has not run (yet), and would
// re-analyse the whole file (its summary or module-level statements changed). Definition-local
// rules (rule.ts RuleLocality) run over the top-level statements overlapping the range only,
// file-wide rules over the whole file (or their findings are reused for the same text). In those
// statements the result is exactly what analyzeFile gives there (range-analysis.test.ts). Pure.
import type { AsyncMigrateConfig } from './config';
import { type RunOptions, fixesNotCheckedInBrokenFile } from './engine';
import { analysisChunksOf } from './class-members';
import { chunkScope, finishCopies, runRulesWith } from './incremental';
import type { SourceFile } from './source';
import type { Finding } from './types';
import type { WorkspaceIndex } from './workspace';

export interface RangeAnalysis {
  /**
   * Finished and sorted: the findings of a full analysis that start in the statements analysed
   * (from `start` to `end`), and those of file-wide rules (and file-wide parts) anywhere.
   * undefined when they cannot be exact without the whole file: in a file with syntax errors,
   * whether fixes are offered depends on how many the whole file has (engine.ts), unless what is
   * known already exceeds the limit.
   */
  findings: Finding[] | undefined;
  /** Extent of the top-level statements analysed (empty when the range touches none). */
  start: number;
  end: number;
  /** Raw findings of the file-wide rules: reusable for the same text, index content and config. */
  fileWide: Finding[];
}

/**
 * Analyses the top-level statements of file overlapping [start, end]. `fileWide` are the raw
 * findings of the file-wide rules for this very text, index content and config (a previous
 * `fileWide`), else they are computed.
 */
export function analyzeRange(
  file: SourceFile,
  index: WorkspaceIndex,
  config: AsyncMigrateConfig,
  start: number,
  end: number,
  options: RunOptions = {},
  fileWide?: Finding[],
): RangeAnalysis {
  const chunks = analysisChunksOf(file);
  const touched = chunks.filter((c) => c.start <= end && start <= c.lineEnd);
  const others = chunks.filter((c) => !touched.includes(c));
  // Definition-local rules (and the file-wide parts of some) in the statements touched, and the
  // file-wide rules over the whole file.
  const { raw, fileWide: wide } = runRulesWith(file, index, config, options, chunkScope(touched, others), fileWide);
  // In a broken file, fixes survive only after a check whose limit counts the whole file's fixes.
  const undecided = file.root.hasError && raw.some((f) => f.fix || f.suggestions?.length) && !fixesNotCheckedInBrokenFile(raw);
  return {
    findings: undecided ? undefined : finishCopies(file, raw),
    start: touched.length ? touched[0].start : start,
    end: touched.length ? touched[touched.length - 1].lineEnd : start,
    fileWide: wide,
  };
}
