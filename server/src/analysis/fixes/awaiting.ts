// Inserting `await` in front of an expression (with the parentheses Python's precedence needs),
// and deciding whether an `await` may be written at a given place at all.
import type { Node } from '../parser';
import type { FileFacts } from '../semantics';
import { TreeIndex } from '../tree-index';
import type { TextEdit } from '../types';
import { insertAwaitEdits, needsParensForAwait } from './await';

// Precedence lives in one place (fixes/await.ts, which also knows Python's reading of `**`).
export { needsParensForAwait };

/** Edits that replace expr by `await <newText>` (newText defaults to expr's own text: an insertion). */
export function awaitEdits(expr: Node, newText?: string): TextEdit[] {
  if (newText === undefined) return insertAwaitEdits(expr);
  const parens = needsParensForAwait(expr);
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
