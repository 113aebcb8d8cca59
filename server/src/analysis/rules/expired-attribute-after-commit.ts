// AM107 expired-attribute-after-commit: with the default expire_on_commit=True, `await db.commit()`
// expires every object of the session; reading an attribute of one afterwards in async code (or
// returning it from a route, whose serialization reads it) loads it lazily: MissingGreenlet.
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { FunctionFacts, LocalBinding } from '../semantics';
import { sessionEvents, type SessionEvent } from '../session-effects';
import { asyncSessionDependency } from '../session-flow';
import { dottedName } from '../syntax';
import type { ResolvedSymbol } from '../workspace';

const LOADING_RESULT = /\.(scalar_one|scalar_one_or_none|one|one_or_none|first|scalar)\(\s*\)$/;

/** The session factory a dotted callee names, when it leaves expire_on_commit at True. */
function expiringFactory(sym: ResolvedSymbol | undefined): boolean | undefined {
  if (sym?.kind === 'external') return /^sqlalchemy\.ext\.asyncio\.AsyncSession$/.test(sym.dotted) ? true : undefined;
  if (sym?.kind !== 'variable' || sym.variableKind !== 'asyncSessionFactory') return undefined;
  const expire = sym.variable.expireOnCommit;
  return expire === undefined ? true : expire === null ? undefined : expire;
}

/** Whether the session held by `name` in fn comes from a factory that expires on commit; its factory's name. */
function expiringSession(context: RuleContext, fn: FunctionFacts, name: string): string | undefined {
  const { facts, index } = context;
  const param = fn.params.get(name);
  if (param) {
    const dependency = asyncSessionDependency(facts, param);
    const from = dependency?.fn.sessionEffects?.yieldsSessionFrom?.replace(/\.begin$/, '');
    if (!dependency || !from) return undefined;
    return expiringFactory(index.resolveDotted(dependency.module, from)) ? from : undefined;
  }
  const bindings = fn.locals.get(name);
  if (bindings?.length !== 1 || bindings[0].value.type !== 'call') return undefined;
  const callee = dottedName(bindings[0].value.childForFieldName('function'))?.replace(/\.begin$/, '');
  if (!callee) return undefined;
  return expiringFactory(index.resolveDotted(facts.moduleName, callee)) ? callee : undefined;
}

/** How `obj` was loaded or added through `session` (for the message), or undefined when it is not an ORM object we know of. */
function loadedThrough(context: RuleContext, binding: LocalBinding, obj: string, session: string, writes: SessionEvent[]): string | undefined {
  const value = binding.value;
  const text = value.text;
  if (binding.viaAsync && value.type === 'call' && new RegExp(`^${session}\\.(get|scalar|merge)\\(`).test(text)) return `loaded by \`await ${text.slice(0, text.indexOf('('))}(…)\``;
  if (new RegExp(`^\\(\\s*await\\s+${session}\\.(execute|scalars)\\(`).test(text) && LOADING_RESULT.test(text)) return `loaded by \`${session}.${/execute|scalars/.exec(text)![0]}(…)\``;
  if (value.type === 'call') {
    const cls = context.facts.resolve(value.childForFieldName('function'));
    const added = writes.some((w) => w.kind === 'write' && w.method === 'add' && w.call.childForFieldName('arguments')?.namedChild(0)?.text === obj && w.call.startIndex > binding.statement.endIndex);
    if (cls?.kind === 'class' && cls.cls.isModel && added) return `added by \`${session}.add(${obj})\``;
  }
  return undefined;
}

/** The statement node (expression_statement) holding `await db.commit()`, when the commit is one. */
function commitStatement(call: Node): Node | undefined {
  const awaited = call.parent;
  if (awaited?.type !== 'await') return undefined;
  const statement = awaited.parent;
  return statement?.type === 'expression_statement' ? statement : undefined;
}

/** The first use of obj after the commit that loads it: an attribute read, or `return obj` from a route. */
function firstLoad(context: RuleContext, fn: FunctionFacts, block: Node, after: number, obj: string, session: string, isRoute: boolean): { node: Node; returned: boolean } | undefined {
  const { facts } = context;
  for (const id of block.descendantsOfType('identifier')) {
    if (!id || id.text !== obj || id.startIndex < after || facts.nodes.enclosingScope(id)?.node.id !== fn.node.id) continue;
    const parent = id.parent!;
    if (parent.type === 'assignment' && parent.childForFieldName('left')?.id === id.id) return undefined; // rebound
    if (parent.type === 'argument_list' && new RegExp(`^${session}\\.refresh$`).test(dottedName(parent.parent?.childForFieldName('function')) ?? '')) return undefined;
    if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === id.id) {
      const grand = parent.parent;
      if (grand?.type === 'assignment' && grand.childForFieldName('left')?.id === parent.id) continue; // a write, not a read
      return { node: parent, returned: false };
    }
    if (isRoute && parent.type === 'return_statement') return { node: id, returned: true };
  }
  return undefined;
}

function check(context: RuleContext): void {
  const { facts, file, index } = context;
  if (!file.text.includes('.commit(')) return;
  const routeStarts = new Set((index.fileByPath(file.path)?.routes ?? []).map((r) => r.start));
  for (const node of facts.scopedNodesOfType(context, 'function_definition')) {
    const fn = facts.functionFacts(node);
    if (!fn.isAsync || !node.text.includes('.commit(')) continue;
    const candidates = [...fn.params.keys(), ...fn.locals.keys()].filter((n) => node.text.includes(`${n}.commit(`));
    for (const session of new Set(candidates)) {
      const factory = expiringSession(context, fn, session);
      if (!factory) continue;
      const events = sessionEvents(node, new Set([session]));
      const reported = new Set<string>();
      for (const commit of events.filter((e) => e.kind === 'commit')) {
        const statement = commitStatement(commit.call);
        const block = statement?.parent;
        if (!statement || !block) continue;
        for (const [obj, bindings] of fn.locals) {
          if (reported.has(obj) || obj.includes('.') || bindings.length !== 1 || bindings[0].statement.endIndex > statement.startIndex) continue;
          const how = loadedThrough(context, bindings[0], obj, session, events);
          if (!how) continue;
          const load = firstLoad(context, fn, block, statement.endIndex, obj, session, routeStarts.has(node.startIndex));
          if (!load) continue;
          reported.add(obj);
          const text = file.text;
          const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
          const indent = text.slice(lineStart, statement.startIndex);
          const eol = text.indexOf('\n', statement.endIndex);
          const fixable = !/\S/.test(indent) && eol >= 0;
          const what = load.returned ? `\`${obj}\` is returned after \`await ${session}.commit()\` and the response serialisation reads its attributes` : `\`${load.node.text}\` is read after \`await ${session}.commit()\``;
          context.report({
            node: load.node,
            message: `${what}; the commit expired \`${obj}\` (${how}) because \`${factory}\` keeps \`expire_on_commit=True\`, so this loads it lazily and raises \`MissingGreenlet\` in async code: \`await ${session}.refresh(${obj})\` after the commit, or \`expire_on_commit=False\` on \`${factory}\``,
            fix: fixable ? { title: `Refresh \`${obj}\` after the commit: \`await ${session}.refresh(${obj})\``, applicability: 'safe', edits: [{ start: eol + 1, end: eol + 1, newText: `${indent}await ${session}.refresh(${obj})\n` }] } : undefined,
            noFixReason: fixable ? undefined : 'the commit is not on a line of its own',
          });
        }
      }
    }
  }
}

export const expiredAttributeAfterCommit: Rule = {
  code: 'AM107',
  name: 'expired-attribute-after-commit',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    what: 'Reports, in async code, the first read of an attribute of an ORM object after `await db.commit()` — or `return obj` from a route handler, whose response serialisation reads it — when the object was loaded (`db.get`, `db.execute(…).scalar_one()` …) or added before the commit, no `await db.refresh(obj)` comes in between, and the session factory keeps the default `expire_on_commit=True` (resolved through the route\'s session dependency: `async_sessionmaker(engine)` / `sessionmaker(class_=AsyncSession)` without `expire_on_commit=False`).',
    why: 'A commit expires every object of the session. Reading an expired attribute makes SQLAlchemy load it on the spot — synchronous I/O that an `AsyncSession` cannot do — so it raises `sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not been called`. It is the most reported async SQLAlchemy failure, and the sync code it was migrated from worked, because a sync session simply reloaded.',
    example: 'AsyncSessionLocal = sessionmaker(engine, class_=AsyncSession)  # expire_on_commit=True\n\n@router.post("/users")\nasync def create(body: UserIn, db: AsyncSession = Depends(get_async_db)):\n    user = User(name=body.name)\n    db.add(user)\n    await db.commit()\n    return {"id": user.id}  # MissingGreenlet',
    useInstead: '    db.add(user)\n    await db.commit()\n    await db.refresh(user)\n    return {"id": user.id}\n\n# or, once for every session:\nAsyncSessionLocal = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)',
    limits: [
      'Only sessions whose factory the engine can read: a route\'s `Depends(…)` dependency that yields a session of a module-level factory, or `async with Factory() as db` in the function; `expire_on_commit` set to anything but a literal keeps the rule silent.',
      'Objects bound once in the function before the commit: `await db.get(…)`, `await db.scalar(…)`, `(await db.execute(…)).scalar_one()` and friends, or a model instance passed to `db.add`. Only reads in the block of the commit (or nested in it) after it count; a rebinding or `await db.refresh(obj)` ends the search.',
      'The fix (`await db.refresh(obj)` on the line after the commit) is safe; setting `expire_on_commit=False` on the factory, as Set up async infrastructure does, is the alternative for every session.',
    ],
  },
  locality: 'definition',
  check,
};
