// AM101 legacy-query-in-async: `db.query(...)` where the session is (or is becoming) an
// AsyncSession — seed error 3: `AsyncSession` has no `.query()`. The awaited rewrite is offered
// only on a receiver proven to be an AsyncSession (PRODUCT.md §1.2): on a sync Session inside
// `async def` the query is reported (it blocks the event loop) with a thread suggestion instead.
import { asyncReceiverProof } from '../async-evidence';
import { awaitBlocker, awaitEdits } from '../fixes/awaiting';
import { ensureModuleImport, moduleImportLocal } from '../fixes/imports';
import { inLambdaOfAsyncFunction, legacyQueryHeadsInPlainDefs, rewriteInPlainFunction, rewriteLegacyQuery, rewriteMayReadCallers, rewriteQueryHelper, scopedLegacyQueryHeads, sessionEvidence, VALUE_TERMINALS, type LegacyQuery } from '../fixes/query-rewrite';
import type { Rule, RuleContext } from '../rule';
import type { Fix, TextEdit } from '../types';

/** The consistent ways out for a query on a session that is not (yet) an AsyncSession. */
const MIGRATE_HINT = 'use "Migrate this endpoint" (it switches the session dependency and rewrites every query of the handler in one edit), or run the query in a worker thread (`await run_in_threadpool(...)` / `await asyncio.to_thread(...)`)';

/**
 * Suggestion (never applied by fix-all): run the chain up to its first value-producing call in a
 * worker thread, `await asyncio.to_thread(lambda: db.query(User).all())`. The session keeps
 * being used by one thread at a time, so this is correct for a sync Session; it is still a
 * suggestion because it moves the query off the event loop's thread.
 */
function toThreadSuggestion(context: RuleContext, q: LegacyQuery): Fix | undefined {
  const valueCall = q.chain.calls.find((c) => VALUE_TERMINALS.includes(c.name));
  if (!valueCall || awaitBlocker(context.facts, q.head)) return undefined;
  const { file } = context;
  const local = moduleImportLocal(file, 'asyncio');
  const edits: TextEdit[] = awaitEdits(valueCall.call, `${local ?? 'asyncio'}.to_thread(lambda: ${file.text.slice(q.start, valueCall.call.endIndex)})`);
  if (!local) {
    const imp = ensureModuleImport(file, 'asyncio');
    if (imp) edits.push(imp);
  }
  return { title: 'Run the query in a worker thread: `await asyncio.to_thread(lambda: …)`', applicability: 'unsafe', edits };
}

/** Per definition: the queries whose rewrite reads only their own definition. */
function check(context: RuleContext): void {
  report(context, scopedLegacyQueryHeads(context), false);
}

/**
 * File-wide part: a Query returned from a helper, or a plain `def` made async, is rewritten with
 * its callers, wherever they are.
 */
function checkFile(context: RuleContext): void {
  report(context, legacyQueryHeadsInPlainDefs(context), true);
}

function inAsyncCode(context: RuleContext, q: LegacyQuery): boolean {
  return context.facts.inAsyncFunction(q.head) || inLambdaOfAsyncFunction(q);
}

function report(context: RuleContext, queries: LegacyQuery[], readingCallers: boolean): void {
  const { facts } = context;
  for (const q of queries) {
    // The same decision in both parts, taken first (it is cheap).
    if (rewriteMayReadCallers(context, q, () => !inAsyncCode(context, q)) !== readingCallers) continue;
    const evidence = sessionEvidence(context, q);
    if (!evidence) continue;
    const inAsync = inAsyncCode(context, q);
    if (!inAsync && evidence.flavor !== 'async') continue;
    const receiver = q.receiver.text;
    const proof = asyncReceiverProof(facts, q.receiver, 'session');
    if (proof.proven) {
      const message = `\`${receiver}\` is an AsyncSession, which has no \`.query()\`: use \`(await ${receiver}.execute(select(...))).scalars()\` (SQLAlchemy 2.0 style)`;
      if (!inAsync) {
        // A plain helper returning the Query returns a select() instead (its callers execute it);
        // otherwise the function becomes async and its callers await it.
        const result = rewriteQueryHelper(context, q) ?? rewriteInPlainFunction(context, q);
        context.report({ node: q.head, message: result.fix ? message : `${message} — no automatic fix: ${result.noFixReason}`, fix: result.fix, noFixReason: result.noFixReason });
        continue;
      }
      const result = rewriteLegacyQuery(context, q, 'await');
      context.report({
        node: q.head,
        message: result.fix ? message : `${message} — no automatic fix: ${result.noFixReason}`,
        fix: result.fix,
        noFixReason: result.noFixReason,
        suggestions: result.suggestion ? [result.suggestion] : undefined,
      });
      continue;
    }
    // Not proven async: `await` here would crash on a sync Session. Report (the query blocks the
    // event loop either way) and point at the consistent edits.
    const why = proof.knownSync
      ? `\`${receiver}\` is a sync \`Session\` inside \`async def\`: \`${receiver}.query()\` blocks the event loop for every other request`
      : `\`${receiver}.query()\` is the legacy sync Query API inside \`async def\`: on a sync Session it blocks the event loop, and an AsyncSession has no \`.query()\``;
    const suggestion = toThreadSuggestion(context, q);
    context.report({
      node: q.head,
      message: `${why}; ${MIGRATE_HINT}`,
      noFixReason: `no line fix: ${proof.reason}, and an awaited \`select()\` needs an AsyncSession; ${MIGRATE_HINT}`,
      suggestions: suggestion ? [suggestion] : undefined,
    });
  }
}

export const legacyQueryInAsync: Rule = {
  code: 'AM101',
  name: 'legacy-query-in-async',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    what: 'Reports legacy `session.query(Model)...` chains where the session is an `AsyncSession` or the code runs inside `async def`. On a session proven to be an `AsyncSession` it rewrites them to awaited SQLAlchemy 2.0 `select()` statements; on a sync `Session` inside `async def` it reports them without a line fix.',
    why: '`AsyncSession` has no `.query()` method: the chain fails with `AttributeError` the first time the endpoint runs (seed common error 3). On a sync `Session` (annotated `Session`, `Depends(get_db)`, `SessionLocal()`, fastapi-sqlalchemy or Flask-SQLAlchemy `db.session`) the query works but blocks the event loop for every other request while it runs — and awaiting a sync Session\'s `execute()` would raise `TypeError`, so rewriting that one line would turn blocking code into crashing code.',
    example: 'async def list_users(gym_id: int, db: AsyncSession = Depends(get_async_db)):\n    users = db.query(User).filter(User.gym_id == gym_id).all()\n    total = db.query(User).filter(User.gym_id == gym_id).count()\n    user = db.query(User).get(user_id)',
    useInstead: 'async def list_users(gym_id: int, db: AsyncSession = Depends(get_async_db)):\n    users = (await db.execute(select(User).where(User.gym_id == gym_id))).scalars().all()\n    total = await db.scalar(select(func.count()).select_from(User).where(User.gym_id == gym_id))\n    user = await db.get(User, user_id)',
    limits: [
      'The rewrite adds `await`, so it is offered only when the session is proven to be an `AsyncSession` (annotation, async dependency, async session factory). On a sync `Session` — or a receiver whose type is unknown — inside `async def` the finding has no line fix: use "Migrate this endpoint" (it switches the session dependency, then rewrites every query, or changes nothing and says what is missing — e.g. no async session dependency: run "Set up async infrastructure"), or the suggestion `await asyncio.to_thread(lambda: db.query(...).all())` (a suggestion: fix-all never applies it).',
      'The mapping follows the SQLAlchemy 2.0 migration guide: `filter` → `where`; `.all()`/`.first()`/`.one()`/`.one_or_none()` read `.scalars()` for one entity and rows otherwise; `.first()` keeps its `LIMIT 1`; `.count()` counts the same rows (a subquery when joins, DISTINCT or LIMIT are involved); `.get(pk)` → `Session.get()`; bulk `.delete()`/`.update()` → `delete()`/`update()` statements (with `.rowcount` when the value is used).',
      '`.unique()` is added where the legacy Query de-duplicated entities (joins, several entities, other tables in the filter) and for joined-eager-loaded collections, where 2.0 raises without it.',
      '`with_entities(A, B)` → `select(A, B)` with the same criteria, order and paging (and joins written after it); refused when a join, `select_from`, loader option or `filter_by` before it was resolved against the replaced entities.',
      '`q.exists()` → `Select.exists()` (`db.query(q.exists()).scalar()` → `(await db.execute(select(<select>.exists()))).scalar_one_or_none()`); refused after loader options (the legacy method dropped them) or over a bare SQL function.',
      '`from_self()` → `<model>_subq = aliased(Model, select(Model)...subquery())` written on the line before the statement, and the outer query selects from the alias (its criteria read the alias). Only for one mapped entity, outer filters/order/paging naming no other table, and a query that runs once and first in its statement (not in a conditional expression, comprehension, lambda, `elif` or `while` condition).',
      'In a generator expression the query is awaited in place when it is the first iterable (evaluated at once); a generator that is the whole argument of `sum`/`list`/`tuple`/`set`/`frozenset`/`sorted`/`min`/`max`/`dict`/`str.join` becomes a list comprehension (same values, same order). Refused in other generators (`any()`/`all()` may stop early) and in lambdas, which run whenever they are called; the suggestion then runs the whole statement expression through `run_sync()` when the lambda or generator is consumed inside it (`sorted(key=lambda …)`, `any(…)`).',
      'No fix (only a reason, and a `run_sync` suggestion when mechanical) for `yield_per()`, `populate_existing()`, string joins, unknown methods, and Query objects passed to other functions.',
      'A Query returned by a plain module-level helper (`def active_users(db): return db.query(User).filter(...)`, or built over several statements and `return q`) is rewritten with all its callers in one edit: the helper returns `select(...)`, each caller executes it (`(await db.execute(active_users(db).order_by(...))).scalars().all()`, awaited only where the caller is `async def` and the session it passes is proven to be an `AsyncSession`). A caller may also keep the Query in a local name, narrow it (`query = query.filter(...)`) and run it several times (`query.count()`, `query.offset(...).all()`). Callers in other modules (importing the helper by name, by alias or through its module) are edited in the same fix — `fix` writes those files together, the editor applies one `WorkspaceEdit` over them. Refused, naming the file and line, when a caller passes the Query on, passes the session as an expression or runs it on a session not proven async, when another file imports the helper under `if TYPE_CHECKING:`, by a module path in a string or inside a function, when the helper is exported in `__all__` (callers outside the workspace), and when more than 16 other files import it.',
      'A query on an `AsyncSession` inside a plain module-level `def` makes the function `async def`, rewrites the query awaited and awaits every call of the function in the workspace, other modules included — one edit. Refused, naming the caller and its file, when a caller cannot await (a plain `def` that is not being migrated, a lambda, a generator expression), when another file imports the function in a way whose uses cannot be followed (as for helpers above), and for methods, generators and decorated functions.',
      'A query built over several statements (`q = db.query(M)`, `q = q.filter(...)`, `return q.all()`) is rewritten as a whole when every use of the variable is in the same function; otherwise it gets no fix.',
      '`.scalar()` becomes `Result.scalar_one_or_none()` (after `.unique()` where the legacy `one()` de-duplicated entity rows): `None` for no row, `MultipleResultsFound` for several, the first column of a multi-column row — as the legacy method.',
      'A receiver counts as a session when its type is known (annotation, `Depends`, session factory, fastapi-sqlalchemy / Flask-SQLAlchemy `db.session`) or when it is named like one (`db`, `session`, `db_session`, …) and `query()` gets a model or column; a name alone is reported but never rewritten.',
    ],
  },
  locality: 'definition',
  check,
  checkFile,
};
