// A small unified diff (Myers' O(ND) line diff) for `fix --diff`; output applies with
// `patch -p1` / `git apply`.

export type DiffOp = { kind: 'equal' | 'delete' | 'insert'; line: string };

/** Splits text into lines that keep their terminators (the last one may have none). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Shortest edit script from a to b (Myers 1986), with common prefix/suffix trimmed first. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const ops: DiffOp[] = a.slice(0, prefix).map((line) => ({ kind: 'equal' as const, line }));
  ops.push(...myers(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix)));
  ops.push(...a.slice(a.length - suffix).map((line) => ({ kind: 'equal' as const, line })));
  return ops;
}

function myers(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  if (!n) return b.map((line) => ({ kind: 'insert' as const, line }));
  if (!m) return a.map((line) => ({ kind: 'delete' as const, line }));
  const max = n + m;
  const offset = max;
  let v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  // Backtrack through the saved frontiers.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: 'equal', line: a[x - 1] });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: 'insert', line: b[y - 1] });
    else ops.push({ kind: 'delete', line: a[x - 1] });
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function emit(prefix: string, line: string, out: string[]): void {
  if (line.endsWith('\n')) out.push(prefix + line);
  else out.push(prefix + line + '\n', '\\ No newline at end of file\n');
}

/**
 * A unified diff of one file (`--- a/path`, `+++ b/path`, @@ hunks with `context` lines of
 * context), or '' when the texts are equal.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const ops = diffLines(splitLines(before), splitLines(after));
  // Line numbers (0-based) of each op in a and b.
  const aLine: number[] = [];
  const bLine: number[] = [];
  let ai = 0;
  let bi = 0;
  for (const op of ops) {
    aLine.push(ai);
    bLine.push(bi);
    if (op.kind !== 'insert') ai++;
    if (op.kind !== 'delete') bi++;
  }
  const changed = ops.map((op, i) => (op.kind !== 'equal' ? i : -1)).filter((i) => i >= 0);
  // Like git: a name with a space gets a trailing TAB so patch(1) reads the whole name.
  const tab = path.includes(' ') ? '\t' : '';
  const out: string[] = [`--- a/${path}${tab}\n`, `+++ b/${path}${tab}\n`];
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - context);
    let end = changed[i];
    let j = i;
    // Merge changes whose context windows touch.
    while (j + 1 < changed.length && changed[j + 1] - end <= 2 * context + 1) end = changed[++j];
    const stop = Math.min(ops.length, end + context + 1);
    const slice = ops.slice(start, stop);
    const aCount = slice.filter((o) => o.kind !== 'insert').length;
    const bCount = slice.filter((o) => o.kind !== 'delete').length;
    // An empty side is addressed by the line before it (GNU diff convention).
    const aStart = aCount ? aLine[start] + 1 : aLine[start];
    const bStart = bCount ? bLine[start] + 1 : bLine[start];
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@\n`);
    for (const op of slice) emit(op.kind === 'equal' ? ' ' : op.kind === 'delete' ? '-' : '+', op.line, out);
    i = j + 1;
  }
  return out.join('');
}
