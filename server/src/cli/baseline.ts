// Baselines for gradual adoption: accept today's findings, fail only on new ones.
// An entry is (path, code, normalised source line, occurrence among identical ones), so entries
// survive code being inserted or removed above them; line numbers are not part of the key.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { computeLineStarts } from '../analysis/source';
import type { Finding } from '../analysis/types';
import { writeFileAtomic } from '../project/fs-atomic';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  /** Project-root-relative POSIX path. */
  path: string;
  code: string;
  /** The finding's first source line, trimmed, runs of whitespace collapsed to one space. */
  source: string;
  /** 0-based index among findings with the same path, code and source (in file order). */
  occurrence: number;
}

export interface BaselineDocument {
  version: number;
  tool: 'async-migrate';
  entries: BaselineEntry[];
}

export class BaselineError extends Error {}

export function normaliseSource(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

export interface KeyedFinding {
  finding: Finding;
  entry: BaselineEntry;
}

/** Line texts by path, computed lazily, for keying findings. */
export class LineReader {
  private readonly starts = new Map<string, number[]>();
  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  line(path: string, line: number): string {
    const text = this.texts.get(path);
    if (text === undefined) return '';
    let starts = this.starts.get(path);
    if (!starts) this.starts.set(path, (starts = computeLineStarts(text)));
    const start = starts[line] ?? text.length;
    const end = line + 1 < starts.length ? starts[line + 1] : text.length;
    return text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }
}

/** Baseline keys of findings; occurrence indices follow file order. */
export function keyFindings(findings: readonly Finding[], lines: LineReader): KeyedFinding[] {
  const sorted = [...findings].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start || a.end - b.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)));
  const seen = new Map<string, number>();
  return sorted.map((finding) => {
    const source = normaliseSource(lines.line(finding.path, finding.range.start.line));
    const group = `${finding.path}\0${finding.code}\0${source}`;
    const occurrence = seen.get(group) ?? 0;
    seen.set(group, occurrence + 1);
    return { finding, entry: { path: finding.path, code: finding.code, source, occurrence } };
  });
}

function entryKey(e: BaselineEntry): string {
  return `${e.path}\0${e.code}\0${e.source}\0${e.occurrence}`;
}

/** A stable fingerprint of a finding (SARIF partialFingerprints): independent of its line number. */
export function fingerprint(entry: BaselineEntry): string {
  return createHash('sha256').update(`${entry.path}\0${entry.code}\0${entry.source}`).digest('hex').slice(0, 32) + `:${entry.occurrence}`;
}

export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BaselineError(`cannot read baseline ${file}: ${(error as Error).message} (create it with --write-baseline)`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`baseline ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const d = doc as Partial<BaselineDocument>;
  if (!d || typeof d !== 'object' || d.tool !== 'async-migrate' || !Array.isArray(d.entries)) {
    throw new BaselineError(`${file} is not an async-migrate baseline (expected {"tool": "async-migrate", "version": ${BASELINE_VERSION}, "entries": [...]})`);
  }
  if (d.version !== BASELINE_VERSION) throw new BaselineError(`baseline ${file} has version ${JSON.stringify(d.version)}; this async-migrate reads version ${BASELINE_VERSION}`);
  d.entries.forEach((e, i) => {
    const ok = e && typeof e.path === 'string' && typeof e.code === 'string' && typeof e.source === 'string' && Number.isInteger(e.occurrence) && e.occurrence >= 0;
    if (!ok) throw new BaselineError(`baseline ${file}: entry ${i} is malformed (expected {path, code, source, occurrence})`);
  });
  return d.entries as BaselineEntry[];
}

export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : a.occurrence - b.occurrence));
  // One entry per line: small, reviewable diffs when the baseline shrinks.
  const lines = sorted.map((e) => '    ' + JSON.stringify({ path: e.path, code: e.code, source: e.source, occurrence: e.occurrence }));
  return `{\n  "tool": "async-migrate",\n  "version": ${BASELINE_VERSION},\n  "entries": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

export interface BaselineResult {
  /** Findings not in the baseline (these count). */
  kept: KeyedFinding[];
  suppressed: number;
  /** Entries in scope that no longer match any finding (fixed, or code changed on that line). */
  stale: BaselineEntry[];
}

/**
 * Filters findings through a baseline. `inScope` says whether an entry belongs to what was
 * analysed this run (its file was checked and its rule ran); only those can be stale.
 */
export function applyBaseline(keyed: readonly KeyedFinding[], entries: readonly BaselineEntry[], inScope: (entry: BaselineEntry) => boolean): BaselineResult {
  const known = new Set(entries.map(entryKey));
  const matched = new Set<string>();
  const kept: KeyedFinding[] = [];
  for (const k of keyed) {
    const key = entryKey(k.entry);
    if (known.has(key)) matched.add(key);
    else kept.push(k);
  }
  const stale = entries.filter((e) => inScope(e) && !matched.has(entryKey(e)));
  return { kept, suppressed: keyed.length - kept.length, stale };
}

/** The entries to write: current findings, plus existing entries outside this run's scope. */
export function baselineToWrite(keyed: readonly KeyedFinding[], existing: readonly BaselineEntry[], inScope: (entry: BaselineEntry) => boolean): BaselineEntry[] {
  return [...existing.filter((e) => !inScope(e)), ...keyed.map((k) => k.entry)];
}

export function writeBaseline(file: string, entries: readonly BaselineEntry[]): void {
  writeFileAtomic(file, serializeBaseline(entries));
}
