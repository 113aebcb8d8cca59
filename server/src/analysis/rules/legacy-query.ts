// AM102 legacy-query: `db.query(...)` in still-sync code — a hint feeding the inventory; its fix
// is the same 2.0 rewrite without `await`, so the later async switch is a one-line change.
import type { Rule, RuleContext } from '../rule';
import { type LegacyQuery, inLambdaOfAsyncFunction, legacyQueryHeadsInPlainDefs, rewriteLegacyQuery, rewriteMayReadCallers, scopedLegacyQueryHeads, sessionEvidence } from '../fixes/query-rewrite';

/** Per definition: the queries whose rewrite reads only their own definition. */
function check(context: RuleContext): void {
  report(context, scopedLegacyQueryHeads(context).filter((q) => !rewriteMayReadCallers(context, q, () => false)));
}

/** File-wide part: a Query returned from a helper is rewritten with its callers, wherever they are. */
function checkFile(context: RuleContext): void {
  report(context, legacyQueryHeadsInPlainDefs(context).filter((q) => rewriteMayReadCallers(context, q, () => false)));
}

function report(context: RuleContext, queries: LegacyQuery[]): void {
  const { facts } = context;
  for (const q of queries) {
    const evidence = sessionEvidence(context, q);
    if (!evidence || evidence.flavor === 'async' || facts.inAsyncFunction(q.head) || inLambdaOfAsyncFunction(q)) continue;
    const receiver = q.receiver.text;
    const result = rewriteLegacyQuery(context, q, 'sync');
    const message = `legacy Query API \`${receiver}.query()\`: use \`${receiver}.execute(select(...))\` (SQLAlchemy 2.0 style, required before this code can move to AsyncSession)`;
    context.report({
      node: q.head,
      message: result.fix ? message : `${message} — no automatic fix: ${result.noFixReason}`,
      fix: result.fix,
      noFixReason: result.noFixReason,
      tags: ['deprecated'],
    });
  }
}

export const legacyQuery: Rule = {
  code: 'AM102',
  name: 'legacy-query',
  defaultSeverity: 'hint',
  fix: 'sometimes',
  offInCiByDefault: true,
  docs: {
    what: 'Reports legacy `session.query(Model)...` chains in sync code (a hint for the inventory) and rewrites them to SQLAlchemy 2.0 `session.execute(select(...))` form without `await`.',
    why: 'The legacy Query API is deprecated in SQLAlchemy 2.0 and does not exist on `AsyncSession`. Rewriting to `select()` while the code is still sync makes the later async switch a matter of adding `await` — and each step can be tested on its own, as the seed strategy asks.',
    example: 'def get_user(db: Session, user_id: int):\n    return db.query(User).filter(User.id == user_id).first()',
    useInstead: 'def get_user(db: Session, user_id: int):\n    return db.execute(select(User).where(User.id == user_id).limit(1)).scalars().first()',
    limits: [
      'Same mapping and same refusals as AM101 (legacy-query-in-async); see its documentation.',
      'A Query returned by a helper is rewritten with its callers, including those in other modules (one fix editing several files; `fix` writes them together, the editor applies one `WorkspaceEdit`).',
      'Off in CI by default: it is a migration hint, not a bug, while the code is sync.',
    ],
  },
  locality: 'definition',
  check,
  checkFile,
};
