// AM202 await-on-sync: `await` on the result of a plain `def` (seed error 1: awaiting a sync service).
import { type Callable, calleeLastName, definitionLocation, fileFunctionNames, isPlainSyncFunction, resolveCall, workspaceNames } from '../callee';
import { awaitedOperand, removeAwaitEdit } from '../fixes/await';
import { asyncTwinOf, methodTwinOf, twinSessionMisfit, type AsyncTwin } from '../fixes/twins';
import type { Rule, RuleContext } from '../rule';
import { dottedName, unparen } from '../syntax';
import type { Fix, RelatedInfo } from '../types';
import type { WorkspaceIndex } from '../workspace';
import { methodTwinFix, methodTwinDrift, twinCallSiteFix, twinDrift, twinSwitchCalls, twinSwitchReadsOtherUses } from './sync-service-in-async';

/** True when some workspace class deriving from the method's class overrides it (`self.m()` may then be async). */
export function overriddenInSubclass(index: WorkspaceIndex, callable: Callable): boolean {
  if (!callable.className) return false;
  for (const mod of index.modules()) {
    for (const cls of Object.values(mod.classes)) {
      if (!cls.methods[callable.name] || (mod.moduleName === callable.module && cls.name === callable.className)) continue;
      for (const base of cls.bases) {
        const resolved = index.resolveDotted(mod.moduleName, base);
        if (resolved?.kind !== 'class') {
          if (base.split('.').pop() === callable.className) return true;
          continue;
        }
        if (resolved.module === callable.module && resolved.name === callable.className) return true;
        // Deeper hierarchies: any class whose base chain reaches it.
        if (index.findMethod(resolved.module, resolved.cls, callable.name)?.className === callable.className) return true;
      }
    }
  }
  return false;
}

export function describeCallable(callable: Callable): string {
  return callable.className ? `${callable.className}.${callable.name}` : callable.name;
}

export function twinRelated(twin: AsyncTwin): RelatedInfo | undefined {
  return twin.fn.nameRange && twin.path ? { path: twin.path, range: twin.fn.nameRange, message: `async twin: \`${twin.className ? `${twin.className}.` : ''}${twin.fn.name}\` is \`async def\` here` } : undefined;
}

/** Per definition: every awaited sync call of the scope but the twin switches reported file-wide. */
function check(context: RuleContext): void {
  checkAwaits(context, 'definition');
}

/**
 * File-wide part: an awaited call switched to an async twin through an imported name, whose fix
 * reads the name's other uses in the module (twinSwitchReadsOtherUses).
 */
function checkFile(context: RuleContext): void {
  if (twinSwitchCalls(context.facts).length) checkAwaits(context, 'file');
}

function checkAwaits(context: RuleContext, part: 'definition' | 'file'): void {
  const { facts, file, index } = context;
  const names = workspaceNames(index);
  const local = fileFunctionNames(facts);
  for (const awaitNode of part === 'file' ? facts.nodesOfType('await') : facts.scopedNodesOfType(context, 'await')) {
    if (!awaitNode.isNamed) continue; // the keyword token has the same type name
    const operand = awaitedOperand(awaitNode);
    const call = operand ? unparen(operand) : undefined;
    if (call?.type !== 'call') continue;
    const last = calleeLastName(call);
    if (!last || !(names.syncNames.has(last) || local.sync.has(last))) continue;
    const callable = resolveCall(facts, call);
    if (!callable || callable.fn.isAsync) continue;
    if (!isPlainSyncFunction(index, callable)) continue;
    if (callable.viaSelf && overriddenInSubclass(index, callable)) continue;
    // A generator is reported per definition (no twin switch).
    if (part === 'file' && callable.fn.isGenerator) continue;
    const calleeText = dottedName(call.childForFieldName('function')) ?? call.childForFieldName('function')!.text;
    const what = describeCallable(callable);
    const related: RelatedInfo[] = [];
    const def = definitionLocation(index, callable);
    if (def) related.push({ ...def, message: `\`${what}\` is a plain \`def\` here` });
    if (callable.fn.isGenerator) {
      context.report({
        node: awaitNode,
        message: `\`${calleeText}(…)\` is a sync generator (\`${what}\` is a plain \`def\` with \`yield\`): awaiting it raises \`TypeError\` at run time`,
        related,
        noFixReason: 'a generator cannot be awaited; iterate it, or make it an `async def` generator used with `async for`',
      });
      continue;
    }
    const twin = asyncTwinOf(index, callable);
    if ((part === 'file') !== (!!twin && twinSwitchReadsOtherUses(facts, call))) continue;
    const methodTwin = twin ? undefined : methodTwinOf(index, callable);
    const drift = twin ? twinDrift(call, callable, twin) : methodTwin ? methodTwinDrift(call, callable, methodTwin) : undefined;
    let fix: Fix | undefined;
    let misfit: string | undefined;
    let message = `\`${calleeText}(…)\` is awaited but \`${what}\` is a plain \`def\`: its result is not awaitable, so this raises \`TypeError: object … can't be used in 'await' expression\` at run time`;
    if (twin) {
      const twinText = `${twin.name}${twin.symbol.kind === 'function' ? '' : `.${callable.name}`}`;
      message += `; use the async twin \`${twinText}\` from \`${twin.module}\``;
      const tr = twinRelated(twin);
      if (tr) related.push(tr);
      fix = twinCallSiteFix(facts, call, callable, twin, true);
      misfit = twinSessionMisfit(facts, call, `${twin.className ? `${twin.className}.` : ''}${twin.fn.name}`);
    }
    if (methodTwin) {
      message += `; use its async twin \`${methodTwin.className}.${methodTwin.name}\``;
      fix = methodTwinFix(facts, call, callable, methodTwin, true);
      misfit = twinSessionMisfit(facts, call, `${methodTwin.className}.${methodTwin.name}`);
    }
    if (!fix && !twin && !methodTwin) {
      fix = { title: 'Remove `await` (the function is sync)', applicability: 'safe', edits: [removeAwaitEdit(awaitNode, file.text)] };
    }
    context.report({
      node: awaitNode,
      message,
      fix,
      noFixReason: fix ? undefined : drift ? drift : misfit ? `no switch: ${misfit}` : 'the async twin cannot be imported here automatically (the call does not go through a plain imported name, or the twin name is taken)',
      related: related.length ? related : undefined,
    });
  }
}

export const awaitOnSync: Rule = {
  code: 'AM202',
  name: 'await-on-sync',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    what: 'Reports `await` on a call to a workspace function or method that is a plain `def` — typically a sync service awaited from an endpoint being migrated (`await user_service.get_user(db, id)` while `user_service` is still the sync one).',
    why: 'A plain `def` returns its value directly; awaiting a user, a list or `None` raises `TypeError: object User can\'t be used in \'await\' expression` — but only when that line runs, so it slips through review and simple tests. The seed lists it as common error 1 ("Mixing Sync/Async Services"): during a gradual migration both `services/user.py` and `services/async_user.py` exist and the wrong one gets imported.',
    example: 'from app.services.user import user_service  # sync\n\nasync def my_endpoint(db: AsyncSession):\n    user = await user_service.get_user(db, id)  # TypeError',
    useInstead: 'from app.services.async_user import async_user_service\n\nasync def my_endpoint(db: AsyncSession):\n    user = await async_user_service.get_user(db, id)',
    limits: [
      'When an async twin exists (module `async_{name}`/`{name}_async`, instance/function `async_{name}`/`{name}_async`/`Async{Name}`, configurable in `[tool.async-migrate.twins]`) and defines an `async def` of the same name, the fix switches the import and the call to it — only when the call binds to the twin\'s parameters and passes no sync `Session`; otherwise (no twin) it removes the `await`.',
      'Silent when the function might return an awaitable: decorators other than well-known ones (staticmethod, classmethod, abstractmethod, cache/lru_cache, route decorators), a return annotation mentioning Awaitable/Coroutine/Future/Task/Any or a class with `__await__`, `return other_coroutine()`, or a body that creates tasks/futures.',
      '`await self.method()` is not reported when a subclass in the workspace overrides the method (it may be async there).',
      'Callees are resolved through module-level imports and through imports inside the function (or an enclosing one) — `from app.services.chat import chat_service` in a method body, the usual way around circular imports; a name imported inside another function is not visible.',
      'Calls the engine cannot resolve (unknown receivers, dynamic attributes) are never reported.',
    ],
  },
  locality: 'definition',
  check,
  checkFile,
};
