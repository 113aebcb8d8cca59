// AM104 joinedload-without-unique: a 2.0 select() that joined-eager-loads a collection, whose
// result is read without `.unique()` — SQLAlchemy raises InvalidRequestError at run time.
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { JOINED_LOADERS, assignedName, isCollection, loaderCalls, loaderTarget, methodChain, relationshipAttribute } from '../fixes/query-models';
import { executionOf, firstArgument, iteratedAs, nameUses, statementCalls, statementOf } from '../fixes/query-results';

/** Result methods that raise without unique() when joined eager collections are present (checked on SQLAlchemy 1.4/2.0). */
const RAISING = ['all', 'one', 'one_or_none', 'scalar_one', 'scalar_one_or_none', 'fetchall', 'fetchmany', 'partitions'];
/** Methods returning another result view that is read later. */
const PASS_THROUGH = ['scalars', 'mappings', 'tuples', 'columns'];

/** The joinedload/contains_eager calls of a collection, by the evidence of the models (or a plural name). */
function joinedCollections(context: RuleContext, optionsArgs: Node[]): Node[] {
  const out: Node[] = [];
  for (const args of optionsArgs) {
    for (const call of loaderCalls(args, JOINED_LOADERS)) {
      const target = loaderTarget(call);
      if (target?.type !== 'attribute') continue;
      const name = target.childForFieldName('attribute')!.text;
      const rel = relationshipAttribute(context.facts, target);
      if (isCollection(rel?.rel, name)) out.push(call);
    }
  }
  return out;
}

function check(context: RuleContext): void {
  const { facts, file } = context;
  // Findings need a joinedload/contains_eager call, whose name is written in the text.
  if (!JOINED_LOADERS.some((name) => file.text.includes(name))) return;
  const reported = new Set<number>();
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    const exec = executionOf(call, ['execute', 'scalars']);
    if (!exec || exec.call.hasError) continue;
    const statement = statementOf(facts, firstArgument(exec.args));
    if (!statement) continue;
    const options = statementCalls(statement).filter((c) => c.name === 'options').map((c) => c.args);
    const joined = joinedCollections(context, options);
    if (!joined.length) continue;
    const loader = joined[0];
    const related = [{ path: file.path, range: file.rangeOf(loader.startIndex, loader.endIndex), message: `\`${loader.text}\` joins a collection into the SELECT` }];
    const report = (start: number, end: number, insertAfter: Node, reading: string) => {
      if (reported.has(start)) return;
      reported.add(start);
      const wrap = insertAfter.type === 'await';
      const edits = wrap
        ? [{ start: insertAfter.startIndex, end: insertAfter.endIndex, newText: `(${insertAfter.text}).unique()` }]
        : [{ start: insertAfter.endIndex, end: insertAfter.endIndex, newText: '.unique()' }];
      context.report({
        start,
        end,
        message: `\`${loader.text}\` eager-loads a collection with a JOIN, so the result must be de-duplicated: call \`.unique()\` before ${reading} (SQLAlchemy 2.0 raises InvalidRequestError here)`,
        fix: { title: 'Insert .unique()', applicability: 'safe', edits },
        related,
      });
    };
    checkReads(exec.valueNode, report);
    // result = await db.execute(stmt) → later result.scalars().all()
    const name = assignedName(exec.call);
    const fn = facts.enclosingFunction(exec.call);
    if (name && fn && fn.locals.get(name.text)?.length === 1) {
      for (const use of nameUses(fn, name.text, name.endIndex)) checkReads(use, report);
    }
  }
}

/** Walks the methods called on a result (root) and reports the first read that needs unique(). */
function checkReads(root: Node, report: (start: number, end: number, insertAfter: Node, reading: string) => void): void {
  const { calls, top } = methodChain(root);
  if (top.hasError) return;
  for (const call of calls) {
    if (call.name === 'unique') return;
    if (RAISING.includes(call.name)) {
      const reading = calls.slice(0, calls.indexOf(call) + 1).map((c) => `.${c.name}()`).join('');
      report(call.nameNode.startIndex, call.call.endIndex, root, `\`${reading}\``);
      return;
    }
    if (!PASS_THROUGH.includes(call.name)) return;
  }
  // No reading method: iterating the result (or its scalars()) reads every row too.
  if (iteratedAs(top)) report(top.startIndex, top.endIndex, root, 'iterating it');
}

export const joinedloadWithoutUnique: Rule = {
  code: 'AM104',
  name: 'joinedload-without-unique',
  defaultSeverity: 'error',
  fix: 'always',
  docs: {
    what: 'Reports a 2.0-style `select(...)` whose `.options()` joined-eager-load a collection (`joinedload(User.posts)`, `contains_eager(...)`), when its result is read with `.all()`, `.one()`, `.scalar_one()`, `.scalars().all()`, … or iterated without `.unique()` first — also when the statement and the result are kept in variables within the function.',
    why: 'A joined eager load of a collection returns one row per child, so the same parent appears many times. The legacy `Query` de-duplicated silently; 2.0 results do not, and SQLAlchemy raises `InvalidRequestError: The unique() method must be invoked on this Result` the first time the endpoint runs. It is a classic leftover of a `db.query(...).options(joinedload(...)).all()` rewritten by hand.',
    example: 'stmt = select(User).options(joinedload(User.posts)).where(User.gym_id == gym_id)\nresult = await db.execute(stmt)\nusers = result.scalars().all()',
    useInstead: 'stmt = select(User).options(joinedload(User.posts)).where(User.gym_id == gym_id)\nresult = await db.execute(stmt)\nusers = result.unique().scalars().all()\n# or load the collection with selectinload(User.posts), which needs no unique()',
    limits: [
      'Collections are known from the models (`uselist=True`, `secondary=`, `Mapped[list[...]]`); a classic `relationship("Post")` without those counts as a collection when its attribute name is plural.',
      '`.first()` and `.scalar()` do not raise and are not reported.',
      'Statements and results passed between functions are not followed.',
    ],
  },
  locality: 'definition',
  check,
};
