// AM206 twin-signature-mismatch: a call to a workspace function or method whose arguments do not
// bind to its parameters — typically after switching to an async twin whose signature drifted.
import { bindingProblem, callShape, describeBindingProblem, signatureText } from '../call-binding';
import { type Callable, calleeLastName, definitionLocation, resolveCall, workspaceNames } from '../callee';
import type { Rule, RuleContext } from '../rule';
import { dottedName } from '../syntax';
import { describeCallable, overriddenInSubclass } from './await-on-sync';

/** Decorators known to leave the signature as written (anything else: the signature is unknown). */
const SIGNATURE_KEEPING = /^(staticmethod|classmethod|(abc\.)?abstractmethod|(typing(_extensions)?\.)?(override|final)|(functools\.)?(cache|lru_cache(\(.*\))?)|(typing_extensions\.|warnings\.)?deprecated(\(.*\))?|\w+\.(get|post|put|patch|delete|head|options|api_route)\(.*\))$/s;

/** Whether the first parameter (self/cls) is already bound at this call. */
function implicitFirst(callable: Callable): boolean | undefined {
  if (!callable.className) return false;
  const decorators = callable.fn.decorators.map((d) => d.replace(/^@\s*/, ''));
  if (decorators.includes('staticmethod')) return false;
  if (decorators.includes('classmethod')) return true;
  // `Class.method(obj, …)` passes self explicitly; `obj.method(…)`, `self.method(…)`, `super().method(…)` do not.
  return callable.receiver?.kind !== 'class';
}

function check(context: RuleContext): void {
  const { facts, index } = context;
  const names = workspaceNames(index);
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    const last = calleeLastName(call);
    if (!last || !(names.syncNames.has(last) || names.asyncNames.has(last))) continue;
    const shape = callShape(call);
    if (!shape || shape.unpacks) continue;
    const callable = resolveCall(facts, call);
    if (!callable || callable.local) continue;
    if (!callable.fn.decorators.every((d) => SIGNATURE_KEEPING.test(d.replace(/^@\s*/, '')))) continue;
    // `self.m(…)` may run a subclass's override with another signature.
    if (callable.viaSelf && overriddenInSubclass(index, callable)) continue;
    const first = implicitFirst(callable);
    if (first === undefined) continue;
    const problem = bindingProblem(callable.fn, shape, first);
    if (!problem) continue;
    const what = describeCallable(callable);
    const calleeText = dottedName(call.childForFieldName('function')) ?? last;
    const def = definitionLocation(index, callable);
    context.report({
      node: call,
      message: `\`${calleeText}(…)\` does not match \`${what}${signatureText(callable.fn)}\`: ${describeBindingProblem(problem)} — this raises \`TypeError\` when the line runs`,
      related: def ? [{ ...def, message: `\`${what}\` is defined here` }] : undefined,
      noFixReason: 'which arguments the callee needs is a decision for you: compare the two signatures',
    });
  }
}

export const twinSignatureMismatch: Rule = {
  code: 'AM206',
  name: 'twin-signature-mismatch',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    what: 'Reports a call to a workspace function or method (resolved across files, through module-level instances, `self` and base classes) whose arguments do not bind to its parameters: too many positional arguments, a keyword it does not have, a required argument missing, or one given twice.',
    why: 'While sync and async twins coexist their signatures drift: the async repository takes keyword-only arguments, or one more required id. A call switched to the twin then raises `TypeError` — only when that line runs, so it passes review and the tests that do not reach it.',
    example: 'class AsyncBookingService:\n    async def create_booking(self, db, *, slot_id: int, member_id: int): ...\n\nasync def book(db: AsyncSession, booking_in: BookingIn):\n    return await async_booking_service.create_booking(db, booking_in=booking_in)  # TypeError',
    useInstead: 'async def book(db: AsyncSession, booking_in: BookingIn):\n    return await async_booking_service.create_booking(\n        db, slot_id=booking_in.slot_id, member_id=booking_in.member_id\n    )',
    limits: [
      'Silent when the call unpacks arguments (`*args`, `**kwargs`), when the callee has a decorator that may change its signature (anything but staticmethod, classmethod, abstractmethod, override, final, cache/lru_cache, deprecated and route decorators), when `self.method(…)` may run a subclass override, and for calls the engine cannot resolve.',
      'Class instantiation (`Model(...)`) is not checked: dataclasses, pydantic and SQLAlchemy models generate their `__init__`.',
      'No fix: which values the callee needs is a decision for you. AM203 offers a switch to an async twin only when the call binds to the twin\'s signature.',
    ],
  },
  // A call's finding reads the call and the callee's summary (in the index), nothing else of this file.
  locality: 'definition',
  check,
};
