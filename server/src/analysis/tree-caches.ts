// Caches keyed by a syntax tree, emptied when the tree is released (SourceFile.dispose). A
// WeakMap entry otherwise lives until the next full collection: indexing a workspace file after
// file would promote every released tree's cached nodes to the old generation first (measured:
// about 20 MiB more server RSS after indexing 2,000 files).
import type { Tree } from './parser';

const caches: WeakMap<Tree, unknown>[] = [];

/** A WeakMap keyed by trees whose entry is deleted when its tree is released. */
export function treeCache<V>(): WeakMap<Tree, V> {
  const cache = new WeakMap<Tree, V>();
  caches.push(cache);
  return cache;
}

/** Forgets everything cached for tree (call before deleting it). */
export function releaseTreeCaches(tree: Tree): void {
  for (const cache of caches) cache.delete(tree);
}
