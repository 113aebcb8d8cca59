// The unified diff of `fix --diff`, on jsdiff (the `diff` package): its Myers line diff and hunk
// grouping; we only format the headers the way git does so `patch -p1` / `git apply` take it.
import { diffArrays, structuredPatch } from 'diff';

export type DiffOp = { kind: 'equal' | 'delete' | 'insert'; line: string };

/** Splits text into lines that keep their terminators (the last one may have none). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Shortest edit script from a to b (Myers' O(ND) diff, jsdiff's implementation). */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  const ops: DiffOp[] = [];
  for (const change of diffArrays(a as string[], b as string[])) {
    const kind = change.added ? 'insert' : change.removed ? 'delete' : 'equal';
    for (const line of change.value) ops.push({ kind, line });
  }
  return ops;
}

/**
 * A unified diff of one file (`--- a/path`, `+++ b/path`, @@ hunks with `context` lines of
 * context), or '' when the texts are equal.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  // Like git: a name with a space gets a trailing TAB so patch(1) reads the whole name.
  const tab = path.includes(' ') ? '\t' : '';
  const out: string[] = [`--- a/${path}${tab}\n`, `+++ b/${path}${tab}\n`];
  for (const hunk of structuredPatch(path, path, before, after, undefined, undefined, { context }).hunks) {
    // An empty side is addressed by the line before it (GNU diff convention).
    const aStart = hunk.oldLines ? hunk.oldStart : hunk.oldStart - 1;
    const bStart = hunk.newLines ? hunk.newStart : hunk.newStart - 1;
    out.push(`@@ -${aStart},${hunk.oldLines} +${bStart},${hunk.newLines} @@\n`);
    // jsdiff strips the '\n' of each line (a '\r' stays): put it back.
    for (const line of hunk.lines) out.push(line + '\n');
  }
  return out.join('');
}
