// progress.md as a document: the team's own Markdown (kept byte for byte), a generated tables
// region and the tool-owned state block. Parsing finds the regions and reads the state; a
// corrupt block (bad JSON, merge conflict markers, duplicated markers) is an error that names
// the line, never a silent reset.
import { JsonSyntaxError } from './json';
import { stableStringify } from './json';
import { type ProgressState, StateValidationError, emptyState, mergeStates, parseState } from './state';

export const TABLES_START = '<!-- async-migrate:tables -->';
export const TABLES_END = '<!-- /async-migrate:tables -->';
export const STATE_START = '<!-- async-migrate:state v1 -->';
export const STATE_END = '<!-- /async-migrate:state -->';
const STATE_START_RE = /^<!--\s*async-migrate:state\s+v(\d+)\s*-->\s*$/;
const STATE_END_RE = /^<!--\s*\/async-migrate:state\s*-->\s*$/;
const TABLES_START_RE = /^<!--\s*async-migrate:tables\s*-->\s*$/;
const TABLES_END_RE = /^<!--\s*\/async-migrate:tables\s*-->\s*$/;
const CONFLICT_RE = /^(<{7}|={7}|>{7}|\|{7})(\s|$)/;

export class ProgressParseError extends Error {
  /** Set when a copy of the file was saved before the error was reported. */
  backupPath?: string;
  constructor(
    readonly file: string,
    /** 1-based line in progress.md. */
    readonly line: number,
    readonly problem: string,
    readonly kind: 'json' | 'conflict' | 'markers' | 'schema',
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

export interface Region {
  /** Offset of the start marker's line. */
  start: number;
  /** Offset just after the end marker (its line ending not included). */
  end: number;
  startLine: number;
  endLine: number;
}

export interface ProgressDocument {
  text: string;
  eol: '\n' | '\r\n';
  tables?: Region;
  stateRegion?: Region;
  state: ProgressState;
  /** Problems that did not stop the read (e.g. merge conflict markers inside the generated tables). */
  warnings: string[];
}

interface Line {
  text: string;
  start: number;
  /** Offset after the line's text (before its line ending). */
  end: number;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out.push({ text: text.slice(start), start, end: text.length });
      return out;
    }
    const end = nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
    out.push({ text: text.slice(start, end), start, end });
    start = nl + 1;
  }
}

export function detectEol(text: string): '\n' | '\r\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

function findRegion(lines: Line[], file: string, startRe: RegExp, endRe: RegExp, name: string): { region?: Region; startIndex?: number; endIndex?: number; version?: string } {
  const starts: number[] = [];
  const ends: number[] = [];
  lines.forEach((l, i) => {
    if (startRe.test(l.text.trim())) starts.push(i);
    else if (endRe.test(l.text.trim())) ends.push(i);
  });
  if (starts.length > 1) throw new ProgressParseError(file, starts[1] + 1, `a second "${name}" start marker (the first is at line ${starts[0] + 1}), probably from a merge; keep one block`, 'markers');
  if (ends.length > 1) throw new ProgressParseError(file, ends[1] + 1, `a second "${name}" end marker (the first is at line ${ends[0] + 1}), probably from a merge; keep one block`, 'markers');
  if (!starts.length && !ends.length) return {};
  if (!starts.length) throw new ProgressParseError(file, ends[0] + 1, `"${name}" end marker without its start marker`, 'markers');
  if (!ends.length) throw new ProgressParseError(file, starts[0] + 1, `"${name}" start marker without its end marker`, 'markers');
  if (ends[0] < starts[0]) throw new ProgressParseError(file, ends[0] + 1, `"${name}" end marker comes before its start marker (line ${starts[0] + 1})`, 'markers');
  const s = starts[0];
  const e = ends[0];
  const version = startRe.exec(lines[s].text.trim())?.[1];
  return { region: { start: lines[s].start, end: lines[e].end, startLine: s + 1, endLine: e + 1 }, startIndex: s, endIndex: e, version };
}

/** The JSON text inside the state region's ```json fence, and the 1-based line it starts on. */
function stateJson(lines: Line[], s: number, e: number, file: string): { json: string; firstLine: number } {
  let open = -1;
  let close = -1;
  for (let i = s + 1; i < e; i++) {
    const t = lines[i].text.trim();
    if (open < 0 && /^```(json)?\s*$/.test(t)) open = i;
    else if (open >= 0 && t === '```') {
      close = i;
      break;
    }
  }
  if (open < 0) {
    const body = lines.slice(s + 1, e).map((l) => l.text).join('\n');
    if (!body.replace(/<\/?details>|<summary>.*?<\/summary>/g, '').trim()) return { json: '', firstLine: s + 2 };
    throw new ProgressParseError(file, s + 2, 'the state block has no ```json fence (the JSON must be inside ```json … ```)', 'markers');
  }
  if (close < 0) throw new ProgressParseError(file, open + 1, 'the ```json fence of the state block is never closed (no ``` line before the end marker)', 'markers');
  return { json: lines.slice(open + 1, close).map((l) => l.text).join('\n'), firstLine: open + 2 };
}

/** Parses progress.md text. Throws ProgressParseError for a corrupt tool region. */
export function parseProgress(text: string, file = 'progress.md'): ProgressDocument {
  const lines = splitLines(text);
  const warnings: string[] = [];
  const tables = findRegion(lines, file, TABLES_START_RE, TABLES_END_RE, 'async-migrate:tables');
  const state = findRegion(lines, file, STATE_START_RE, STATE_END_RE, 'async-migrate:state');
  if (tables.region && state.region && tables.region.start < state.region.end && state.region.start < tables.region.end) {
    throw new ProgressParseError(file, state.region.startLine, `the state block overlaps the generated tables region (lines ${tables.region.startLine}–${tables.region.endLine})`, 'markers');
  }
  if (tables.region) {
    for (let i = tables.startIndex! + 1; i < tables.endIndex!; i++) {
      if (CONFLICT_RE.test(lines[i].text)) {
        warnings.push(`${file}:${i + 1}: merge conflict markers in the generated tables; they are regenerated on the next write`);
        break;
      }
    }
  }
  let parsedState = emptyState();
  if (state.region) {
    if (state.version !== '1') throw new ProgressParseError(file, state.region.startLine, `state block version v${state.version} is not supported (this async-migrate reads v1); upgrade async-migrate`, 'schema');
    for (let i = state.startIndex! + 1; i < state.endIndex!; i++) {
      if (CONFLICT_RE.test(lines[i].text)) {
        throw new ProgressParseError(
          file,
          i + 1,
          `merge conflict marker "${lines[i].text.trim().slice(0, 7)}" in the state block: keep both sides' entries (one entry per endpoint id), remove the marker lines, or run \`async-migrate progress --write --repair\` to merge both sides automatically`,
          'conflict',
        );
      }
    }
    const { json, firstLine } = stateJson(lines, state.startIndex!, state.endIndex!, file);
    try {
      parsedState = parseState(json);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new ProgressParseError(file, firstLine + error.line - 1, `the state block is not valid JSON: ${error.problem}`, 'json');
      if (error instanceof StateValidationError) throw new ProgressParseError(file, firstLine + error.line - 1, `the state block is not valid: ${error.problem}`, 'schema');
      throw error;
    }
  }
  return { text, eol: detectEol(text), tables: tables.region, stateRegion: state.region, state: parsedState, warnings };
}

/** Best-effort recovery of a state block with merge conflict markers: both sides, merged. */
export function recoverConflictedState(text: string): { state: ProgressState; recovered: boolean; problem?: string } {
  const lines = splitLines(text);
  let s = -1;
  let e = -1;
  lines.forEach((l, i) => {
    if (s < 0 && STATE_START_RE.test(l.text.trim())) s = i;
    else if (s >= 0 && e < 0 && STATE_END_RE.test(l.text.trim())) e = i;
  });
  if (s < 0 || e < 0) return { state: emptyState(), recovered: false, problem: 'no complete state block' };
  const body = lines.slice(s + 1, e).map((l) => l.text);
  const sides: { ours: string[]; theirs: string[] } = { ours: [], theirs: [] };
  let mode: 'both' | 'ours' | 'base' | 'theirs' = 'both';
  for (const line of body) {
    if (/^<{7}(\s|$)/.test(line)) mode = 'ours';
    else if (/^\|{7}(\s|$)/.test(line)) mode = 'base';
    else if (/^={7}$/.test(line.trimEnd())) mode = 'theirs';
    else if (/^>{7}(\s|$)/.test(line)) mode = 'both';
    else {
      if (mode === 'both' || mode === 'ours') sides.ours.push(line);
      if (mode === 'both' || mode === 'theirs') sides.theirs.push(line);
    }
  }
  const extract = (ls: string[]): string => {
    const open = ls.findIndex((l) => /^```(json)?\s*$/.test(l.trim()));
    const close = ls.findIndex((l, i) => i > open && l.trim() === '```');
    return open >= 0 && close > open ? ls.slice(open + 1, close).join('\n') : '';
  };
  try {
    const ours = parseState(extract(sides.ours));
    const theirs = parseState(extract(sides.theirs));
    return { state: mergeStates(ours, theirs), recovered: true };
  } catch (error) {
    return { state: emptyState(), recovered: false, problem: (error as Error).message };
  }
}

export function renderStateBlock(state: ProgressState, eol: string): string {
  const json = stableStringify(state, '  ', eol);
  return [
    STATE_START,
    '<details><summary>async-migrate state (written by the tool; edit with care, keep it valid JSON)</summary>',
    '',
    '```json',
    json,
    '```',
    '',
    '</details>',
    STATE_END,
  ].join(eol);
}

export function wrapTables(markdown: string, eol: string): string {
  const body = markdown.replace(/\r?\n/g, eol).replace(new RegExp(`(${eol})+$`), '');
  return [TABLES_START, body, TABLES_END].join(eol);
}

export const DEFAULT_HEADER = [
  '# Async migration progress',
  '',
  'Endpoint-by-endpoint migration from sync to async, tracked by async-migrate',
  '(`async-migrate progress --write`, or the editor\'s checklist). Edit freely outside the',
  'marked regions: the tables and the state block are rewritten by the tool, everything else',
  'is kept as you wrote it.',
  '',
];

/**
 * Produces the new file text: the generated regions replaced (or appended when missing),
 * everything else byte for byte. `doc` undefined = a new file.
 */
export function renderProgress(doc: ProgressDocument | undefined, state: ProgressState, tablesMarkdown: string | undefined): string {
  const eol = doc?.eol ?? '\n';
  const stateBlock = renderStateBlock(state, eol);
  const tablesBlock = tablesMarkdown !== undefined ? wrapTables(tablesMarkdown, eol) : undefined;
  if (!doc) {
    const parts = [...DEFAULT_HEADER];
    if (tablesBlock) parts.push(tablesBlock, '');
    parts.push('## Notes', '', '_Team notes go here; async-migrate never changes them._', '', stateBlock, '');
    return parts.join(eol);
  }
  let text = doc.text;
  const replacements: { start: number; end: number; text: string }[] = [];
  if (doc.stateRegion) replacements.push({ start: doc.stateRegion.start, end: doc.stateRegion.end, text: stateBlock });
  if (doc.tables && tablesBlock) replacements.push({ start: doc.tables.start, end: doc.tables.end, text: tablesBlock });
  for (const r of replacements.sort((a, b) => b.start - a.start)) text = text.slice(0, r.start) + r.text + text.slice(r.end);
  const appended: string[] = [];
  if (!doc.tables && tablesBlock) appended.push(tablesBlock);
  if (!doc.stateRegion) appended.push(stateBlock);
  if (appended.length) {
    let sep = '';
    if (text.length) sep = text.endsWith(eol + eol) ? '' : text.endsWith('\n') ? eol : eol + eol;
    text = text + sep + appended.join(eol + eol) + eol;
  }
  return text;
}
