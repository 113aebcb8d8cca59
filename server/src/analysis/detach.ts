// Copies of the strings a long-lived structure holds, so it does not keep whole source texts
// alive. V8 represents a substring of 13 characters or more as a slice of its parent string:
// every name, annotation or dotted path a summary read from `node.text` would otherwise retain
// the text of its file for as long as the summary lives (the text of every closed file of the
// workspace, in a server: ~4.7 MiB at 2,000 synthetic files, far more on real code).

/** Length from which V8 slices instead of copying (SlicedString::kMinLength). */
const SLICE_MIN_LENGTH = 13;

/** A copy of s that shares no memory with the string it was sliced from. */
function detached(s: string): string {
  return s.length < SLICE_MIN_LENGTH ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * Replaces, in place, every string of 13 characters or more held by value's plain objects and
 * arrays (at any depth) with a detached copy; returns value. Maps, sets and frozen objects are
 * left as they are.
 */
export function detachStrings<T>(value: T): T {
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v) || Object.isFrozen(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item === 'string') v[i] = detached(item);
        else visit(item);
      }
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return;
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'string') record[key] = detached(item);
      else visit(item);
    }
  };
  visit(value);
  return value;
}
