// Inserting `await` in front of an expression (with the parentheses Python's precedence needs),
// and deciding whether an `await` may be written at a given place at all.
import type { Node } from '../parser';
import type { FileFacts } from '../semantics';
import { TreeIndex } from '../tree-index';
import type { TextEdit } from '../types';

/**
 * True when `await expr` written in place of expr would bind to something larger than expr:
 * `await` takes a primary, so `r.get(k).decode()` must become `(await r.get(k)).decode()`.
 */
export function needsParensForAwait(expr: Node): boolean {
  const parent = expr.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'attribute':
      return parent.childForFieldName('object')?.id === expr.id;
    case 'subscript':
      return parent.childForFieldName('value')?.id === expr.id;
    case 'call':
      return parent.childForFieldName('function')?.id === expr.id;
    default:
      return false;
  }
}

/** Edits that replace expr by `await <newText>` (newText defaults to expr's own text: an insertion). */
export function awaitEdits(expr: Node, newText?: string): TextEdit[] {
  const parens = needsParensForAwait(expr);
  if (newText === undefined && !parens) return [{ start: expr.startIndex, end: expr.startIndex, newText: 'await ' }];
  if (newText === undefined) {
    return [
      { start: expr.startIndex, end: expr.startIndex, newText: '(await ' },
      { start: expr.endIndex, end: expr.endIndex, newText: ')' },
    ];
  }
  return [{ start: expr.startIndex, end: expr.endIndex, newText: parens ? `(await ${newText})` : `await ${newText}` }];
}

/** The function_definition whose body (not its parameters or decorators) contains node. */
export function enclosingBodyFunction(node: Node): Node | undefined {
  if (node.startIndex !== node.endIndex) {
    // From offsets (each `.parent` descends from the root): the nearest def/lambda/class, then
    // whether node lies in that def's body.
    const index = TreeIndex.of(node.tree);
    const scope = index.enclosingScope(node);
    if (scope?.type !== 'function_definition') return undefined;
    const body = index.bodyRange(scope.node);
    return body && body.start <= node.startIndex && index.endIndexOf(node) <= body.end ? scope.node : undefined;
  }
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'lambda' || p.type === 'class_definition') return undefined;
    if (p.type === 'function_definition') return p.childForFieldName('body')?.id === child.id ? p : undefined;
  }
  return undefined;
}

const BLOCKING_SCOPES = ['generator_expression', 'lambda', 'function_definition', 'class_definition'];

/**
 * Why `await` cannot be written at node, or undefined when it can: node must sit in the body
 * of an `async def`, outside lambdas and generator expressions (an `await` there would turn
 * the generator into an async generator that `any()`/`list()`/`join()` cannot consume).
 */
export function awaitBlocker(facts: FileFacts, node: Node): string | undefined {
  const nearest = facts.nodes.innermostAncestor(node, BLOCKING_SCOPES)?.type;
  if (nearest === 'generator_expression') return 'it is inside a generator expression (an `await` there makes it an async generator)';
  if (nearest === 'lambda') return 'it is inside a lambda';
  const fn = enclosingBodyFunction(node);
  if (!fn) return 'it is not inside a function body';
  const info = facts.functionFacts(fn);
  if (!info.isAsync) return `the enclosing function \`${info.name}\` is a plain \`def\` (\`await\` is only valid in \`async def\`)`;
  return undefined;
}
