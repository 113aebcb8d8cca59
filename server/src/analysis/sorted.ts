// The one binary search of the engine: offsets of sorted nodes, chunks, ranges and words.

/**
 * The first index in [from, length) whose item is not `before` the key, for items sorted so that
 * `before(i)` holds for a prefix of them (length when it holds for all).
 */
export function firstIndexNotBefore(length: number, before: (i: number) => boolean, from = 0): number {
  let low = from;
  let high = length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(mid)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The last index whose item starts at or before offset, for items sorted by start (-1 when none). */
export function lastStartingAtOrBefore(length: number, startOf: (i: number) => number, offset: number): number {
  return firstIndexNotBefore(length, (i) => startOf(i) <= offset) - 1;
}

/** Whether one of the ascending offsets lies in [start, end). */
export function someInRange(sorted: readonly number[], start: number, end: number): boolean {
  const i = firstIndexNotBefore(sorted.length, (k) => sorted[k] < start);
  return i < sorted.length && sorted[i] < end;
}
