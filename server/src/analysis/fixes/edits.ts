// Applying text edits: sorting, overlap resolution and minimal whole-file diffs.
import type { TextEdit } from '../types';

function overlaps(a: TextEdit, b: TextEdit): boolean {
  // Two insertions at the same point conflict too (their order would be arbitrary).
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end || (a.start === a.end && a.start > b.start && a.start < b.end) || (b.start === b.end && b.start > a.start && b.start < a.end);
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.newText === b.newText;
}

/**
 * Picks groups of edits (one group = one fix) that do not overlap, in order; identical edits
 * shared by groups (the same import) are kept once. Returns the accepted edits and the indices
 * of accepted groups.
 */
export function selectNonOverlapping(groups: TextEdit[][]): { edits: TextEdit[]; accepted: number[] } {
  const { edits, accepted } = selectNonOverlappingFiles(groups.map((edits) => ({ edits })));
  return { edits, accepted };
}

/**
 * selectNonOverlapping over whole fixes that may edit several files (Fix.otherFiles, keyed by
 * path; the fixes' own file under ''): a fix is accepted only when none of its edits, in any
 * file, overlaps an edit already taken in that file.
 */
export function selectNonOverlappingFiles(groups: { edits: TextEdit[]; otherFiles?: { path: string; edits: TextEdit[] }[] }[]): { edits: TextEdit[]; otherFiles: Map<string, TextEdit[]>; accepted: number[] } {
  const taken = new Map<string, TextEdit[]>([['', []]]);
  const accepted: number[] = [];
  groups.forEach((group, i) => {
    const parts: [string, TextEdit[]][] = [['', group.edits], ...(group.otherFiles ?? []).map((o): [string, TextEdit[]] => [o.path, o.edits])];
    const fresh = parts.map(([path, edits]): [string, TextEdit[]] => [path, edits.filter((e) => !(taken.get(path) ?? []).some((t) => sameEdit(t, e)))]);
    for (const [path, edits] of fresh) {
      const already = taken.get(path) ?? [];
      if (edits.some((e) => already.some((t) => overlaps(t, e)))) return;
      for (let a = 0; a < edits.length; a++) for (let b = a + 1; b < edits.length; b++) if (overlaps(edits[a], edits[b]) && !sameEdit(edits[a], edits[b])) return;
    }
    for (const [path, edits] of fresh) {
      const list = taken.get(path);
      if (list) list.push(...edits);
      else taken.set(path, [...edits]);
    }
    accepted.push(i);
  });
  const otherFiles = new Map([...taken.entries()].filter(([path, edits]) => path !== '' && edits.length));
  return { edits: taken.get('')!, otherFiles, accepted };
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** One edit turning before into after, spanning only the changed middle. */
const DIFF_BLOCK = 512;

export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  // Blocks first (a native comparison each), then characters: a keystroke in a large file diffs it twice.
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start + DIFF_BLOCK <= shorter && after.startsWith(before.slice(start, start + DIFF_BLOCK), start)) start += DIFF_BLOCK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore - DIFF_BLOCK >= start && endAfter - DIFF_BLOCK >= start && before.slice(endBefore - DIFF_BLOCK, endBefore) === after.slice(endAfter - DIFF_BLOCK, endAfter)) {
    endBefore -= DIFF_BLOCK;
    endAfter -= DIFF_BLOCK;
  }
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, newText: after.slice(start, endAfter) };
}
