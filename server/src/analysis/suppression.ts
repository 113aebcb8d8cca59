// `# async-migrate: ignore[AM101, AM201]` (or bare `ignore`) on a line suppresses findings that
// start or end on that line; `# async-migrate: ignore-file[...]` anywhere suppresses in the file.
import type { SourceFile } from './source';
import type { Node } from './parser';

const DIRECTIVE = /#\s*async-migrate:\s*(ignore-file|ignore)(?:\[([^\]]*)\])?/i;
const DIRECTIVES = new RegExp(DIRECTIVE.source, 'gi');

export interface Suppressions {
  /** line (0-based) → codes, or '*' for all. */
  lines: Map<number, Set<string>>;
  file: Set<string>;
}

export function collectSuppressions(file: SourceFile): Suppressions {
  const result: Suppressions = { lines: new Map(), file: new Set() };
  // Directives are case-insensitive (`# ASYNC-MIGRATE: ignore` too).
  if (!/async-migrate/i.test(file.text)) return result;
  // The comments holding a directive, found from the text (a query for every comment of a large
  // file costs a keystroke more than the rest of this): a directive in a comment matches there.
  const comments: Node[] = [];
  for (const found of file.text.matchAll(DIRECTIVES)) {
    const node = file.root.descendantForIndex(found.index!, found.index! + 1);
    if (node?.type === 'comment' && node.startIndex !== comments.at(-1)?.startIndex) comments.push(node);
  }
  for (const node of comments) {
    const m = DIRECTIVE.exec(node.text);
    if (!m) continue;
    const codes = m[2] ? m[2].split(',').map((c) => c.trim().toUpperCase()).filter(Boolean) : ['*'];
    const target = m[1].toLowerCase() === 'ignore-file' ? result.file : getOrCreate(result.lines, node.startPosition.row);
    codes.forEach((c) => target.add(c));
  }
  return result;
}

function getOrCreate(map: Map<number, Set<string>>, key: number): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function matches(set: Set<string> | undefined, code: string): boolean {
  return !!set && (set.has('*') || set.has(code) || [...set].some((c) => c.length < code.length && code.startsWith(c)));
}

export function isSuppressed(s: Suppressions, code: string, startLine: number, endLine: number): boolean {
  return matches(s.file, code) || matches(s.lines.get(startLine), code) || matches(s.lines.get(endLine), code);
}
