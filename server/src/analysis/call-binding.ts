// Whether a call's arguments bind to a function's parameters, as Python binds them (positional,
// positional-only before `/`, keyword-only after `*`/`*args`, defaults, `*args`/`**kwargs`).
// Used by AM206 and by every fix that switches a call to another callee (an async twin).
import type { Node } from './parser';
import type { FunctionSummary } from './summary';
import { children } from './syntax';

export interface CallShape {
  positional: number;
  keywords: string[];
  /** `*xs` or `**kw` in the call: what binds is unknown. */
  unpacks: boolean;
}

export type BindingProblem =
  | { kind: 'too-many-positional'; accepted: number; given: number }
  | { kind: 'unknown-keyword'; name: string }
  | { kind: 'positional-only-keyword'; name: string }
  | { kind: 'multiple-values'; name: string }
  | { kind: 'missing'; names: string[] };

/** The arguments of a call; undefined when the call has no argument list we can read. */
export function callShape(call: Node): CallShape | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  // `f(x for x in xs)`: the generator expression is the only (positional) argument.
  if (args.type === 'generator_expression') return { positional: 1, keywords: [], unpacks: false };
  if (args.type !== 'argument_list') return undefined;
  const shape: CallShape = { positional: 0, keywords: [], unpacks: false };
  for (const arg of children(args)) {
    if (!arg.isNamed || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') shape.keywords.push(arg.childForFieldName('name')?.text ?? '');
    else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') shape.unpacks = true;
    else shape.positional++;
  }
  return shape;
}

interface Signature {
  /** The parameter already bound by the call (self/cls), if any. */
  implicit?: string;
  positional: { name: string; positionalOnly: boolean }[];
  keywordOnly: string[];
  varArgs: boolean;
  varKeywords: boolean;
  defaults: Set<string>;
}

function signatureOf(fn: FunctionSummary, implicitFirst: boolean): Signature | undefined {
  const sig: Signature = { positional: [], keywordOnly: [], varArgs: false, varKeywords: false, defaults: new Set(fn.defaults ?? []) };
  const params = fn.params.slice();
  if (implicitFirst) {
    const first = params.findIndex((p) => p !== '/' && p !== '*');
    if (first < 0 || params[first].startsWith('*')) return undefined; // `def m(*args)`: self is in args
    sig.implicit = params.splice(first, 1)[0];
  }
  const slash = params.indexOf('/');
  let keywordOnly = false;
  params.forEach((p, i) => {
    if (p === '/') return;
    if (p === '*') keywordOnly = true;
    else if (p.startsWith('**')) sig.varKeywords = true;
    else if (p.startsWith('*')) {
      sig.varArgs = true;
      keywordOnly = true;
    } else if (keywordOnly) sig.keywordOnly.push(p);
    else sig.positional.push({ name: p, positionalOnly: i < slash });
  });
  return sig;
}

/**
 * The first reason the call cannot bind to fn (what Python's TypeError would say), or undefined
 * when it binds or when that cannot be known (argument unpacking). `implicitFirst`: the first
 * parameter is bound already (a method called on an instance, a classmethod).
 */
export function bindingProblem(fn: FunctionSummary, shape: CallShape, implicitFirst: boolean): BindingProblem | undefined {
  if (shape.unpacks) return undefined;
  const sig = signatureOf(fn, implicitFirst);
  if (!sig) return undefined;
  if (shape.positional > sig.positional.length && !sig.varArgs) return { kind: 'too-many-positional', accepted: sig.positional.length, given: shape.positional };
  const bound = new Set(sig.positional.slice(0, shape.positional).map((p) => p.name));
  for (const name of shape.keywords) {
    const positional = sig.positional.find((p) => p.name === name);
    if (bound.has(name) || name === sig.implicit) return { kind: 'multiple-values', name };
    if ((positional && !positional.positionalOnly) || sig.keywordOnly.includes(name)) bound.add(name);
    else if (!sig.varKeywords) return positional ? { kind: 'positional-only-keyword', name } : { kind: 'unknown-keyword', name };
  }
  const missing = [...sig.positional.map((p) => p.name), ...sig.keywordOnly].filter((n) => !bound.has(n) && !sig.defaults.has(n));
  return missing.length ? { kind: 'missing', names: missing } : undefined;
}

/** `(self, db, *, slot_id, member_id=None)`, as written. */
export function signatureText(fn: FunctionSummary): string {
  const defaults = new Set(fn.defaults ?? []);
  return `(${fn.params.map((p) => (defaults.has(p) ? `${p}=…` : p)).join(', ')})`;
}

export function describeBindingProblem(problem: BindingProblem): string {
  switch (problem.kind) {
    case 'too-many-positional':
      return `it takes ${problem.accepted} positional argument${problem.accepted === 1 ? '' : 's'} but ${problem.given} ${problem.given === 1 ? 'was' : 'were'} given`;
    case 'unknown-keyword':
      return `it has no parameter \`${problem.name}\``;
    case 'positional-only-keyword':
      return `\`${problem.name}\` is positional-only`;
    case 'multiple-values':
      return `\`${problem.name}\` is given twice (by position — the instance counts for the first parameter of a method — and by keyword)`;
    case 'missing':
      return `the required ${problem.names.length === 1 ? 'argument' : 'arguments'} ${problem.names.map((n) => `\`${n}\``).join(', ')} ${problem.names.length === 1 ? 'is' : 'are'} missing`;
  }
}

/**
 * Why a call cannot be switched to another callee (an async twin) as it is: the two signatures and
 * what does not bind; undefined when the call binds to the target (or that cannot be known).
 */
export function switchBindingNote(call: Node, from: { label: string; fn: FunctionSummary }, to: { label: string; fn: FunctionSummary; implicitFirst: boolean }): string | undefined {
  const shape = callShape(call);
  const problem = shape && bindingProblem(to.fn, shape, to.implicitFirst);
  if (!problem) return undefined;
  return `the call does not fit the twin's signature (${describeBindingProblem(problem)}): \`${from.label}${signatureText(from.fn)}\` vs \`${to.label}${signatureText(to.fn)}\``;
}
