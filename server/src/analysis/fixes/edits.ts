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
  const taken: TextEdit[] = [];
  const accepted: number[] = [];
  groups.forEach((group, i) => {
    const fresh = group.filter((e) => !taken.some((t) => sameEdit(t, e)));
    if (fresh.some((e) => taken.some((t) => overlaps(t, e)))) return;
    // Edits inside one group must not overlap each other either.
    for (let a = 0; a < fresh.length; a++) for (let b = a + 1; b < fresh.length; b++) if (overlaps(fresh[a], fresh[b]) && !sameEdit(fresh[a], fresh[b])) return;
    taken.push(...fresh);
    accepted.push(i);
  });
  return { edits: taken, accepted };
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** One edit turning before into after, spanning only the changed middle. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, newText: after.slice(start, endAfter) };
}
