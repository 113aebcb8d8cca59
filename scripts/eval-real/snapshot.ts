// The committed snapshot of `npm run eval:real` (test/real/snapshot.json): counts only, written with
// the progress file's stable JSON (sorted keys), so a diff in review shows each engine change's
// effect on real code.
export { stableStringify } from '../../server/src/analysis/progress/json';

export interface Snapshot {
  projects: Record<string, Record<string, unknown>>;
}

/** `a.b.c` → leaf value for every leaf of a nested object. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
}

/**
 * One line per leaf that differs, sorted: `tracecat.findings.AM103: 346 → 0`. A rule count that
 * appears or disappears reads as 0 on the missing side; whole projects as added / removed.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = [];
  const names = new Set([...Object.keys(before.projects), ...Object.keys(after.projects)]);
  for (const name of [...names].sort()) {
    const a = before.projects[name];
    const b = after.projects[name];
    if (!a) {
      lines.push(`${name}: new project`);
      continue;
    }
    if (!b) {
      lines.push(`${name}: not in this run`);
      continue;
    }
    const fa = new Map<string, unknown>();
    const fb = new Map<string, unknown>();
    flatten(a, name, fa);
    flatten(b, name, fb);
    for (const key of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
      const va = fa.get(key);
      const vb = fb.get(key);
      if (JSON.stringify(va) === JSON.stringify(vb)) continue;
      const show = (v: unknown) => (v === undefined ? (typeof (va ?? vb) === 'number' ? '0' : '(none)') : JSON.stringify(v));
      lines.push(`${key}: ${show(va)} → ${show(vb)}`);
    }
  }
  return lines;
}
