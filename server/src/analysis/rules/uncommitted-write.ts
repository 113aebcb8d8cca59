// AM106 uncommitted-write: a route handler writes through an AsyncSession (directly or in a
// function it hands the session to) and nothing commits afterwards, while its session dependency
// does not commit on exit: the change is rolled back when the session closes.
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { sessionEvents } from '../session-effects';
import { asyncSessionDependency, handoffEffect, type SessionDependency } from '../session-flow';
import { children, functionDefinitionAt } from '../syntax';
import type { Fix, TextEdit } from '../types';

interface Write {
  node: Node;
  what: string;
}

/** Route handler definitions of this file (async only: sync handlers use a sync Session). */
function asyncHandlers(context: RuleContext): Node[] {
  const summary = context.index.fileByPath(context.file.path);
  // Found from the summary's offsets: indexing every definition of the file costs more per keystroke than the rule.
  const starts = [...new Set((summary?.routes ?? []).filter((r) => r.isAsync).map((r) => r.start))].sort((a, b) => a - b);
  return starts.map((start) => functionDefinitionAt(context.file.root, start)).filter((fn): fn is Node => !!fn);
}

/** `await db.commit()` before the handler's only, final return (or after its last statement). */
function commitSuggestion(context: RuleContext, handler: Node, session: string): Fix | undefined {
  const body = handler.childForFieldName('body');
  if (!body) return undefined;
  const statements = children(body).filter((c) => c.isNamed && c.type !== 'comment');
  const last = statements[statements.length - 1];
  const returns = context.facts.descendantsOfType(body, 'return_statement').filter((r) => context.facts.nodes.enclosingScope(r)?.node.id === handler.id);
  if (!last || returns.length > 1 || (returns.length === 1 && returns[0].id !== last.id)) return undefined;
  const text = context.file.text;
  const lineStart = text.lastIndexOf('\n', last.startIndex - 1) + 1;
  const indent = text.slice(lineStart, last.startIndex);
  if (/\S/.test(indent)) return undefined; // `async def f(): return x` on one line
  const line = `${indent}await ${session}.commit()\n`;
  let edit: TextEdit;
  if (last.type === 'return_statement') edit = { start: lineStart, end: lineStart, newText: line };
  else {
    const eol = text.indexOf('\n', last.endIndex);
    edit = eol < 0 ? { start: text.length, end: text.length, newText: `\n${line}` } : { start: eol + 1, end: eol + 1, newText: line };
  }
  return { title: `Commit before the handler returns: \`await ${session}.commit()\``, applicability: 'unsafe', edits: [edit] };
}

function check(context: RuleContext): void {
  const { facts } = context;
  for (const handler of asyncHandlers(context)) {
    const fn = facts.functionFacts(handler);
    const dependencies = new Map<string, SessionDependency>();
    for (const param of fn.params.values()) {
      const dependency = asyncSessionDependency(facts, param);
      // Unknown dependency, or one that commits on exit: nothing to say.
      if (!dependency || dependency.fn.sessionEffects?.commitsOnExit) continue;
      dependencies.set(param.name, dependency);
    }
    if (!dependencies.size) continue;
    const bodyText = handler.childForFieldName('body')?.text ?? '';
    for (const [session, dependency] of dependencies) {
      // `async with db.begin():` commits on a clean exit.
      if (new RegExp(`\\b${session}\\.begin\\s*\\(`).test(bodyText)) continue;
      let pending: Write | undefined;
      for (const event of sessionEvents(handler, new Set([session]))) {
        if (event.kind === 'write') pending ??= { node: event.call, what: `\`${session}.${event.method}(…)\`` };
        else if (event.kind === 'commit') pending = undefined;
        else if (event.kind === "handoff") {
          const effect = handoffEffect(facts, event.call, event.position, event.keyword);
          if (effect?.commits) pending = undefined;
          else if (effect?.writes) pending ??= { node: event.call, what: `\`${event.callee}(…)\` (it writes through \`${effect.path.join('` → `')}\`)` };
        }
      }
      if (!pending) continue;
      const where = dependency.path ? ` (\`${dependency.module}\`)` : '';
      context.report({
        node: pending.node,
        message: `${pending.what} changes the database but nothing commits afterwards, and the session dependency \`${dependency.name}\`${where} does not commit when the request ends: the change is rolled back when the session closes`,
        related: dependency.fn.nameRange && dependency.path ? [{ path: dependency.path, range: dependency.fn.nameRange, message: `\`${dependency.fn.name}\` yields the session without committing after the \`yield\`` }] : undefined,
        suggestions: [commitSuggestion(context, handler, session)].filter((f): f is Fix => !!f),
        noFixReason: 'whether to commit here, or in the dependency for every request, is a decision for you',
      });
    }
  }
}

export const uncommittedWrite: Rule = {
  code: 'AM106',
  name: 'uncommitted-write',
  defaultSeverity: 'error',
  fix: 'suggestion',
  docs: {
    what: 'Reports a write on an `AsyncSession` — `add`, `add_all`, `delete`, `merge`, `flush`, a bulk `execute(update/insert/delete …)`, or a call the session is handed to that does one (followed across files through services and repositories) — in a route handler, with no `commit()` after it in the handler, when the session dependency does not commit on exit.',
    why: 'A sync `get_db` often commits in the service; the async rewrite moves writes into repositories that only `flush()`, and `get_async_db` just yields the session. Nothing fails: the endpoint answers 200, the `flush` even assigns ids, and the change is rolled back when the session closes. The data loss shows up later, far from its cause.',
    example: 'class AsyncBookingRepository:\n    async def cancel(self, db: AsyncSession, booking):\n        booking.status = "cancelled"\n        await db.flush()\n\n@router.post("/bookings/{id}/cancel")\nasync def cancel(id: int, db: AsyncSession = Depends(get_async_db)):  # does not commit on exit\n    await async_booking_repository.cancel(db, await db.get(Booking, id))\n    return {"ok": True}  # the change is rolled back',
    useInstead: '@router.post("/bookings/{id}/cancel")\nasync def cancel(id: int, db: AsyncSession = Depends(get_async_db)):\n    await async_booking_repository.cancel(db, await db.get(Booking, id))\n    await db.commit()\n    return {"ok": True}\n\n# or commit once in the dependency:\nasync def get_async_db():\n    async with AsyncSessionLocal() as session:\n        yield session\n        await session.commit()',
    limits: [
      'Reported only when the session dependency is found in the workspace and does not commit after its `yield` (nor yields inside `session.begin()`); a dependency it cannot read keeps the rule silent.',
      'Any `commit()` later in the handler counts, in whichever branch; a commit inside a called function counts when the session is handed to it.',
      'Functions are summarised for the session parameters annotated `…Session…` or named like one (`db`, `session`, `db_session`, `async_db` …).',
      'Hand-offs are followed up to three calls deep through names resolvable at module level (instances, functions, classes); `self.repo.method(db)` inside a service is not followed.',
      'The suggestion (`await db.commit()` before the final `return`) is offered only when the handler has one return, at its end; it is unsafe: commit where your transaction really ends.',
    ],
  },
  locality: 'file',
  check,
};
