// AM101 legacy-query-in-async: `db.query(...)` where the session is (or is becoming) an
// AsyncSession — seed error 3: `AsyncSession` has no `.query()`. The awaited rewrite is offered
// only on a receiver proven to be an AsyncSession (PRODUCT.md §1.2): on a sync Session inside
// `async def` the query is reported (it blocks the event loop) with a thread suggestion instead.
import { asyncReceiverProof } from '../async-evidence';
import { awaitBlocker, awaitEdits } from '../fixes/awaiting';
import { ensureModuleImport, moduleImportLocal } from '../fixes/imports';
import { legacyQueryHeads, rewriteLegacyQuery, sessionEvidence, VALUE_TERMINALS, type LegacyQuery } from '../fixes/query-rewrite';
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

function check(context: RuleContext): void {
  const { facts } = context;
  for (const q of legacyQueryHeads(context)) {
    const evidence = sessionEvidence(context, q);
    if (!evidence) continue;
    const inAsync = facts.inAsyncFunction(q.head);
    if (!inAsync && evidence.flavor !== 'async') continue;
    const receiver = q.receiver.text;
    const proof = asyncReceiverProof(facts, q.receiver, 'session');
    if (proof.proven) {
      const message = `\`${receiver}\` is an AsyncSession, which has no \`.query()\`: use \`(await ${receiver}.execute(select(...))).scalars()\` (SQLAlchemy 2.0 style)`;
      if (!inAsync) {
        context.report({ node: q.head, message: `${message} — no automatic fix: the enclosing function is not \`async def\``, noFixReason: 'the enclosing function is not `async def`; make it async first, then rewrite with `await`' });
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
      'No fix (only a reason, and a `run_sync` suggestion when mechanical) for `from_self()`, `exists()`, `with_entities()`, `yield_per()`, `populate_existing()`, string joins, unknown methods, and Query objects returned or passed to other functions.',
      'A query built over several statements (`q = db.query(M)`, `q = q.filter(...)`, `return q.all()`) is rewritten as a whole when every use of the variable is in the same function; otherwise it gets no fix.',
      '`.scalar()` becomes `Session.scalar()`, which returns the first row where the legacy method raised `MultipleResultsFound` on several rows.',
      'A receiver counts as a session when its type is known (annotation, `Depends`, session factory, fastapi-sqlalchemy / Flask-SQLAlchemy `db.session`) or when it is named like one (`db`, `session`, `db_session`, …) and `query()` gets a model or column; a name alone is reported but never rewritten.',
    ],
  },
  check,
};
