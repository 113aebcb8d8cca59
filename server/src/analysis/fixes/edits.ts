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
  // Blocks first (a native comparison each, doubling while they match: a keystroke in a large
  // file costs a few dozen comparisons, not one per block), then characters.
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  for (let block = DIFF_BLOCK; block >= DIFF_BLOCK && start + DIFF_BLOCK <= shorter; ) {
    const size = Math.min(block, shorter - start);
    // Slices compared with === (a memcmp); startsWith compares character by character.
    if (before.slice(start, start + size) === after.slice(start, start + size)) {
      start += size;
      block *= 2;
    } else block = size >> 1;
  }
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  for (let block = DIFF_BLOCK; block >= DIFF_BLOCK && endBefore - DIFF_BLOCK >= start && endAfter - DIFF_BLOCK >= start; ) {
    const size = Math.min(block, endBefore - start, endAfter - start);
    if (before.slice(endBefore - size, endBefore) === after.slice(endAfter - size, endAfter)) {
      endBefore -= size;
      endAfter -= size;
      block *= 2;
    } else block = size >> 1;
  }
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, newText: after.slice(start, endAfter) };
}
