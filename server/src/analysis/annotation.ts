// Type annotations read as types, not as bags of names: `Dict[str, Task]` is a dict (not a
// Task), `Optional[X]` / `X | None` / `Annotated[X, …]` / `"X"` are X, `type[X]` is the class X.
// Pure text in, a small type out; resolving the name to a workspace class is the caller's job.

export type AnnotationType =
  /** A value of the named type (`X`, `pkg.X`, a user generic `Repo[Model]` is a `Repo`). */
  | { kind: 'instance'; name: string }
  /** The class object itself: `type[X]` / `Type[X]`. */
  | { kind: 'class'; name: string }
  /** A container or other standard generic (`list[X]`, `Dict[str, X]`, `Callable[…]`): none of its items. */
  | { kind: 'container'; name: string }
  /** A union of several types, a literal, a string we cannot read. */
  | { kind: 'unknown' };

const UNKNOWN: AnnotationType = { kind: 'unknown' };
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const TYPING_PREFIX = /^(typing|typing_extensions|collections\.abc|collections|builtins|t)\./;

/**
 * Standard generics whose subscript names their items, not what they are (typing,
 * collections.abc, builtins). A value annotated with one of them has none of its items' members.
 */
const CONTAINERS = new Set([
  'list', 'List', 'dict', 'Dict', 'set', 'Set', 'frozenset', 'FrozenSet', 'tuple', 'Tuple', 'type', 'Type',
  'Sequence', 'MutableSequence', 'Mapping', 'MutableMapping', 'Iterable', 'Iterator', 'Collection', 'Container',
  'AbstractSet', 'MutableSet', 'Deque', 'deque', 'DefaultDict', 'defaultdict', 'OrderedDict', 'Counter', 'ChainMap',
  'KeysView', 'ValuesView', 'ItemsView', 'MappingView', 'Generator', 'AsyncGenerator', 'AsyncIterator', 'AsyncIterable',
  'Awaitable', 'Coroutine', 'Callable', 'Reversible', 'Literal', 'ClassVar', 'Final', 'Required', 'NotRequired', 'ReadOnly',
  'TypeGuard', 'TypeIs', 'Unpack', 'Concatenate',
]);
/** Names that say nothing about the value's class. */
const OPAQUE = new Set(['Any', 'object', 'Self', 'Never', 'NoReturn', 'LiteralString', 'TypeVar', 'ParamSpec', 'TypeVarTuple']);

/** Splits s at top-level occurrences of sep (outside brackets, parentheses and quotes). */
export function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if (depth === 0 && c === sep) {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(s.slice(start).trim());
  return parts;
}

/** `Head[args]` → { head, args } (args split at top-level commas); a bare name → { head, args: undefined }. */
function subscript(text: string): { head: string; args?: string[] } | undefined {
  const open = text.indexOf('[');
  if (open < 0) return DOTTED.test(text) ? { head: text } : undefined;
  if (!text.endsWith(']')) return undefined;
  const head = text.slice(0, open).trim();
  if (!DOTTED.test(head)) return undefined;
  return { head, args: splitTopLevel(text.slice(open + 1, -1), ',') };
}

function unquote(text: string): string {
  let t = text.trim();
  // A string annotation ("X", 'X', """X"""), possibly with a prefix-free raw form.
  const m = /^("""|'''|"|')([\s\S]*)\1$/.exec(t);
  if (m) t = m[2].trim();
  return t;
}

/** The top-level alternatives of an annotation: `Optional[X]` → X, `Union[A, B]` / `A | B` → A, B (None dropped). */
export function annotationAlternatives(annotation: string, depth = 0): string[] {
  const text = unquote(annotation);
  if (!text || depth > 8) return [];
  const out: string[] = [];
  for (const part of splitTopLevel(text, '|')) {
    const sub = subscript(part);
    const head = sub?.head.replace(TYPING_PREFIX, '');
    if (sub?.args && (head === 'Optional' || head === 'Union')) out.push(...sub.args.flatMap((a) => annotationAlternatives(a, depth + 1)));
    else if (sub?.args && head === 'Annotated') out.push(...annotationAlternatives(sub.args[0], depth + 1));
    else if (part !== 'None' && part !== '') out.push(/^["']/.test(part) ? unquote(part) : part);
  }
  return out;
}

/**
 * The type an annotation denotes. With `yields`, a generator annotation (`Generator[X, …]`,
 * `AsyncIterator[X]`…: a FastAPI dependency's return) denotes what it yields.
 */
export function annotationType(annotation: string, options: { yields?: boolean } = {}, depth = 0): AnnotationType {
  const alternatives = annotationAlternatives(annotation);
  if (alternatives.length !== 1 || depth > 8) return UNKNOWN;
  const sub = subscript(alternatives[0]);
  if (!sub) return UNKNOWN;
  const bare = sub.head.replace(TYPING_PREFIX, '');
  if (options.yields && sub.args && /^(Async)?(Generator|Iterator|Iterable)$/.test(bare)) return annotationType(sub.args[0], {}, depth + 1);
  if (sub.args && (bare === 'type' || bare === 'Type')) {
    const inner = annotationType(sub.args[0], {}, depth + 1);
    return inner.kind === 'instance' ? { kind: 'class', name: inner.name } : UNKNOWN;
  }
  const standard = bare === sub.head || TYPING_PREFIX.test(sub.head);
  if (OPAQUE.has(bare) && standard) return UNKNOWN;
  if (CONTAINERS.has(bare) && (sub.args || standard)) return { kind: 'container', name: sub.head };
  return { kind: 'instance', name: sub.head };
}
