// The committed snapshot of `npm run eval:real` (test/real/snapshot.json): counts only, sorted keys,
// so a diff in review shows each engine change's effect on real code.

export interface Snapshot {
  projects: Record<string, Record<string, unknown>>;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** JSON with every object's keys sorted (deterministic output for a committed file). */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
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
