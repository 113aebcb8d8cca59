// AM103 sync-session-in-async: a sync SQLAlchemy `Session` used inside `async def`
// (seed checklist "Sin Session sync").
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { FunctionFacts, ParamFacts } from '../semantics';
import { ensureFromImport, importedLocalName } from '../fixes/imports';
import { enclosingBodyFunction } from '../fixes/awaiting';
import { children, dottedName, isAsyncFunction, keywordArgument, mayBeCalledIn, walk } from '../syntax';
import { isCoroutineFunction, resolveCall } from '../callee';
import { isAwaitedExpr } from '../fixes/await';
import { awaitBlocker } from '../fixes/awaiting';
import { legacyQueryHeadsBetween, rewriteLegacyQuery } from '../fixes/query-rewrite';
import type { Fix, TextEdit } from '../types';
import { findAsyncSessionDependency, SET_UP_ASYNC_INFRASTRUCTURE } from '../infrastructure/async-dependency';
import { ASYNC_SESSION_COROUTINES } from '../async-evidence';
import { awaitedSessionUseProof, SAME_ON_ASYNC_SESSION } from '../async-evidence';

const ASYNC_SESSION_MODULE = 'sqlalchemy.ext.asyncio';

/**
 * Whether a type name written here is one of the configured session types. A name imported from
 * outside SQLAlchemy and the workspace (`from requests import Session`) is not a bare-name match.
 */
function typeMatches(context: RuleContext, dotted: string, types: string[]): boolean {
  const sym = context.index.resolveDotted(context.file.moduleName, dotted);
  const full = sym?.kind === 'external' ? sym.dotted : sym?.kind === 'class' ? `${sym.module}.${sym.name}` : undefined;
  if (!full) return !sym && types.some((t) => dotted === t || dotted.endsWith('.' + t));
  const last = full.split('.').pop()!;
  return types.some((t) => (t.includes('.') ? full === t || full.endsWith('.' + t) : last === t && (sym!.kind === 'class' || /^sqlalchemy(\.|$)/.test(full))));
}

/** The name node inside an annotation that denotes a sync Session type, if any. */
function syncSessionTypeNode(context: RuleContext, annotation: Node | undefined): Node | undefined {
  if (!annotation) return undefined;
  const { config } = context;
  let found: Node | undefined;
  walk(annotation, (n) => {
    if (found) return false;
    if (n.type !== 'identifier' && n.type !== 'attribute') return;
    const dotted = dottedName(n);
    if (!dotted) return false;
    if (typeMatches(context, dotted, config.session.asyncTypes)) return false;
    if (typeMatches(context, dotted, config.session.syncTypes)) {
      found = n;
      return false;
    }
    if (n.type === 'attribute') return false;
  });
  return found;
}

/** Whether an annotation names an AsyncSession. */
function hasAsyncSessionType(context: RuleContext, annotation: Node | undefined): boolean {
  if (!annotation) return false;
  const { config } = context;
  let found = false;
  walk(annotation, (n) => {
    if (found) return false;
    if (n.type !== 'identifier' && n.type !== 'attribute') return;
    const dotted = dottedName(n);
    if (!dotted) return false;
    if (typeMatches(context, dotted, config.session.asyncTypes)) found = true;
    if (n.type === 'attribute') return false;
  });
  return found;
}

/** Which session the dependency (as written in Depends(...)) provides, when known. */

/** The node naming the dependency inside `Depends(get_db)` (default value or inside Annotated[...]). */
function dependencyNode(param: ParamFacts): Node | undefined {
  const fromCall = (call: Node | undefined): Node | undefined => {
    if (call?.type !== 'call') return undefined;
    const callee = dottedName(call.childForFieldName('function'));
    if (!callee || !/(^|\.)Depends$/.test(callee)) return undefined;
    const args = call.childForFieldName('arguments');
    const first = args ? (children(args).find((a) => a.type !== 'keyword_argument' && a.type !== 'comment') ?? keywordArgument(args, 'dependency')) : undefined;
    return first && dottedName(first) ? first : undefined;
  };
  const direct = fromCall(param.defaultValue);
  if (direct) return direct;
  let found: Node | undefined;
  if (param.annotation) {
    walk(param.annotation, (n) => {
      if (found) return false;
      found = fromCall(n);
    });
  }
  return found;
}

/** Text of the module part of the `from … import` statement at offset (keeps relative imports as written). */
function fromModuleTextAt(context: RuleContext, statementStart: number): string | undefined {
  const stmt = children(context.file.root).find((s) => s.startIndex === statementStart && s.type === 'import_from_statement');
  return stmt?.childForFieldName('module_name')?.text.replace(/\s+/g, '');
}

/** How to spell the async dependency here, plus the import it needs; a reason when unknown. */
function asyncDependency(context: RuleContext, syncDependency: string): { text: string; edit?: TextEdit } | { reason: string; setUp?: boolean } {
  const { index, file, config } = context;
  const target = config.session.asyncDependency;
  const mod = index.fileByPath(file.path) ?? index.module(file.moduleName);
  const parts = syncDependency.split('.');
  if (parts.length > 1) {
    // `deps.get_db` → `deps.get_async_db` when that module defines it.
    const owner = index.resolveDotted(file.moduleName, parts.slice(0, -1).join('.'));
    if (owner?.kind === 'module' && index.resolveName(owner.module, target)) return { text: [...parts.slice(0, -1), target].join('.') };
  } else {
    // Already importable under its own name here?
    const local = mod?.imports.find((b) => b.name === target);
    if (local) return { text: local.local };
    if (mod?.functions[target]) return { text: target };
    const binding = mod?.imports.find((b) => b.local === syncDependency && b.name !== undefined);
    if (binding && index.module(binding.module) && index.resolveName(binding.module, target)) {
      const moduleText = fromModuleTextAt(context, binding.statementStart) ?? binding.module;
      return { text: target, edit: ensureFromImport(file, moduleText, target) };
    }
  }
  const configuredModule = config.session.asyncDependencyModule;
  // A configured module that is in the workspace must define the dependency (one outside it is trusted).
  if (configuredModule && !(index.module(configuredModule) && !index.resolveName(configuredModule, target))) {
    const existing = importedLocalName(file, configuredModule, target);
    if (existing) return { text: existing };
    return { text: target, edit: ensureFromImport(file, configuredModule, target) };
  }
  if (!findAsyncSessionDependency(index, config)) return { reason: SET_UP_ASYNC_REASON(target, syncDependency), setUp: true };
  return { reason: `no async session dependency found (\`${target}\` is not defined next to \`${syncDependency}\`${configuredModule ? ` nor in \`${configuredModule}\`` : ''}); set [tool.async-migrate.session] async-dependency (and async-dependency-module)` };
}

/** Why AM103 has no fix while the workspace has no async session dependency at all (the LSP offers the action then). */
const SET_UP_ASYNC_REASON = (target: string, syncDependency: string) =>
  `\`${target}\` does not exist yet; "${SET_UP_ASYNC_INFRASTRUCTURE}" (code action, command or \`async-migrate init-async\`) adds it next to \`${syncDependency}\``;

/** How to spell `AsyncSession` here, plus the import it needs. */
function asyncSessionName(context: RuleContext): { text: string; edit?: TextEdit } {
  const local = importedLocalName(context.file, ASYNC_SESSION_MODULE, 'AsyncSession');
  if (local) return { text: local };
  return { text: 'AsyncSession', edit: ensureFromImport(context.file, ASYNC_SESSION_MODULE, 'AsyncSession') };
}

/**
 * Why switching only this parameter to an AsyncSession would leave the function inconsistent
 * (undefined when every use of the session gets its own fix in the same fix run): each use must be
 * a legacy query the rewrite translates, a session coroutine method that can be awaited, a method
 * that is the same on an AsyncSession, or an argument of an `async def` that does not expect a
 * sync Session. Anything else needs "Migrate this endpoint", which checks the whole handler.
 */
function sessionSwitchBlocker(context: RuleContext, fn: FunctionFacts, name: string): string | undefined {
  const { facts } = context;
  const body = fn.node.childForFieldName('body');
  if (!body) return undefined;
  const queries = legacyQueryHeadsBetween(context, body.startIndex, body.endIndex);
  const line = (n: Node) => `line ${n.startPosition.row + 1}`;
  for (const id of facts.descendantsOfType(body, 'identifier')) {
    if (id.text !== name) continue;
    const parent = id.parent;
    if (!parent) continue;
    if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) continue;
    if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) continue;
    if (facts.enclosingFunction(id)?.node.id !== fn.node.id) return `\`${name}\` is used in a nested function (${line(id)})`;
    if (parent.type === 'attribute') {
      const method = parent.childForFieldName('attribute')!.text;
      const call = parent.parent?.type === 'call' && parent.parent.childForFieldName('function')?.id === parent.id ? parent.parent : undefined;
      if (!call) return `\`${parent.text}\` (${line(id)}) is not a method call the fix can convert`;
      if (method === 'query') {
        const q = queries.find((candidate) => candidate.receiver.id === id.id);
        const rewrite = q ? rewriteLegacyQuery(context, q, 'await') : undefined;
        if (!rewrite?.fix) return `\`${name}.query(...)\` (${line(id)}) cannot be rewritten${rewrite?.noFixReason ? `: ${rewrite.noFixReason}` : ''}`;
        continue;
      }
      if (SAME_ON_ASYNC_SESSION.has(method)) continue;
      if (ASYNC_SESSION_COROUTINES.has(method)) {
        const blocker = isAwaitedExpr(call) ? undefined : awaitBlocker(facts, call);
        if (blocker) return `\`${name}.${method}()\` (${line(id)}) would need \`await\`, but ${blocker}`;
        continue;
      }
      return `\`${name}.${method}()\` (${line(id)}) has no automatic async counterpart`;
    }
    const argumentOf = parent.type === 'argument_list' ? parent.parent : parent.type === 'keyword_argument' && parent.parent?.type === 'argument_list' ? parent.parent.parent : undefined;
    if (argumentOf?.type === 'call') {
      const callable = resolveCall(facts, argumentOf);
      const callee = argumentOf.childForFieldName('function')?.text ?? 'a call';
      if (!callable) return `\`${name}\` is passed to \`${callee}()\` (${line(id)}), which the engine cannot check`;
      if (!isCoroutineFunction(callable.fn)) return `\`${callee}()\` (${line(id)}) is sync and would receive the AsyncSession`;
      const annotations = Object.values(callable.fn.paramAnnotations ?? {});
      if (annotations.some((a) => /(^|[^\w.])Session\b/.test(a) && !/AsyncSession/.test(a))) return `\`${callee}()\` (${line(id)}) declares a sync \`Session\` parameter`;
      continue;
    }
    return `\`${name}\` is used as a value (${line(id)}), which the fix cannot follow`;
  }
  return undefined;
}

function checkParam(context: RuleContext, fn: FunctionFacts, param: ParamFacts): void {
  const typeNode = syncSessionTypeNode(context, param.annotation);
  const depNode = dependencyNode(param);
  const asyncAnnotated = hasAsyncSessionType(context, param.annotation);
  // An explicit `AsyncSession` annotation is overruled only by declared evidence, never by a name.
  const depFlavor = depNode ? context.facts.sessionDependencyFlavor(depNode.text, asyncAnnotated) : undefined;
  const syncDep = depFlavor === 'sync';
  if (!typeNode && !syncDep) return;
  // `db: AsyncSession = Depends(get_db)` or `db = Depends(get_db)`: the dependency is the problem.
  const where = `in \`async def ${fn.name}\``;
  let message: string;
  if (typeNode && depNode && depFlavor === 'async') message = `\`${param.name}\` is annotated \`Session\` but \`Depends(${depNode.text})\` provides an \`AsyncSession\` ${where}: annotate it \`AsyncSession\` (its uses written for a sync Session fail at run time)`;
  else if (typeNode && depNode) message = `\`${param.name}\` is a sync \`Session\` (\`Depends(${depNode.text})\`) ${where}: every query blocks the event loop; use \`AsyncSession\` with the async dependency`;
  else if (typeNode) message = `\`${param.name}\` is typed as a sync \`Session\` ${where}: its queries block the event loop; take an \`AsyncSession\``;
  else if (asyncAnnotated) message = `\`${param.name}\` is annotated \`AsyncSession\` but \`Depends(${depNode!.text})\` provides a sync \`Session\` ${where}`;
  else message = `\`Depends(${depNode!.text})\` provides a sync \`Session\` ${where}: every query blocks the event loop; use the async dependency`;

  const edits: TextEdit[] = [];
  if (typeNode) {
    const name = asyncSessionName(context);
    edits.push({ start: typeNode.startIndex, end: typeNode.endIndex, newText: name.text });
    if (name.edit) edits.push(name.edit);
  }
  if (depNode) {
    // An unknown dependency behind a `Session` annotation provides that Session: switch it too.
    const dep = depFlavor !== 'async' ? asyncDependency(context, depNode.text) : undefined;
    if (dep && 'reason' in dep) {
      context.report({ node: param.node, message: dep.setUp ? `${message}; no async session dependency exists yet: run "${SET_UP_ASYNC_INFRASTRUCTURE}" first` : message, noFixReason: dep.reason });
      return;
    }
    if (dep && dep.text !== depNode.text) {
      edits.push({ start: depNode.startIndex, end: depNode.endIndex, newText: dep.text });
      if (dep.edit) edits.push(dep.edit);
    }
    const switchFix: Fix = { title: `Use AsyncSession = Depends(${dep?.text ?? depNode.text})`, applicability: 'safe', edits };
    // The switch is correct only together with the edits of every use of the session: offered
    // as a line fix when each use gets its own fix in the same run, else left to "Migrate this
    // endpoint" (which checks the whole handler and changes nothing unless it is consistent).
    const blocker = context.endpointMigration ? undefined : sessionSwitchBlocker(context, fn, param.name);
    if (blocker) {
      context.report({
        node: param.node,
        message,
        noFixReason: `switching only the parameter would leave the function inconsistent: ${blocker}; use "Migrate this endpoint"`,
        suggestions: [{ ...switchFix, title: `${switchFix.title} (then convert every use of \`${param.name}\` by hand)`, applicability: 'unsafe' }],
      });
      return;
    }
    context.report({ node: param.node, message, fix: switchFix });
    return;
  }
  // A stale `session: Session` whose body already awaits the session's methods: the function
  // runs only with an AsyncSession (awaiting a sync Session's results raises `TypeError`), so the
  // annotation is what is wrong, not the I/O; correcting it changes nothing at run time.
  const awaitedUse = awaitedSessionUseProof(context.facts, fn, param.name);
  if (awaitedUse.proven) {
    context.report({
      node: param.node,
      message: `\`${param.name}\` is annotated \`Session\` but \`async def ${fn.name}\` awaits its methods (${awaitedUse.fact}), which only an \`AsyncSession\` allows: the annotation contradicts the use; annotate it \`AsyncSession\``,
      fix: { title: 'Annotate as AsyncSession (the body already awaits it)', applicability: 'safe', edits },
    });
    return;
  }
  // A plain `db: Session` parameter (a service function): only its annotation can change here,
  // and an annotation does not change what the callers pass. As a fix it would turn the
  // annotation into false "proof" for the awaited rewrites of the body (AM101/AM201) while the
  // callers still pass a sync Session: a suggestion only, never applied by fix or fix-all.
  context.report({
    node: param.node,
    message,
    noFixReason: 'the callers decide which session this function gets: migrate them first (or use the async twin of this function)',
    suggestions: [{ title: 'Annotate as AsyncSession (every caller must then pass one)', applicability: 'unsafe', edits }],
  });
}

/** The name a call's value is bound to: `name = call` or `with call as name:`. */
function boundNameOf(call: Node): string | undefined {
  const parent = call.parent;
  if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id) {
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  if (parent?.type === 'as_pattern' && parent.namedChild(0)?.id === call.id) {
    let p: Node | null = parent.parent;
    while (p && p.type !== 'with_statement' && p.type !== 'block') p = p.parent;
    if (p?.type !== 'with_statement') return undefined;
    const target = parent.childForFieldName('alias');
    const id = target?.type === 'identifier' ? target : target?.namedChild(0);
    return id?.type === 'identifier' ? id.text : undefined;
  }
  return undefined;
}

/** Names that may create a sync session here: configured factories plus module names bound to one. */
function sessionFactoryNames(context: RuleContext): Set<string> {
  const { config, index, file } = context;
  // Only names the text calls can match a call: the others are neither kept nor resolved. Error
  // recovery builds calls the text does not spell, so a file with syntax errors keeps them all
  // (and so does an analysis of a few statements: the whole text is then not worth reading).
  const called = file.root.hasError || context.partial ? () => true : (name: string) => mayBeCalledIn(file.text, name);
  const names = new Set(config.session.syncFactories.filter((n) => n !== 'sessionmaker' && called(n)));
  const mod = index.fileByPath(file.path);
  for (const local of [...(mod?.imports.map((b) => b.local) ?? []), ...Object.keys(mod?.variables ?? {})]) {
    if (names.has(local) || local.includes('.') || !called(local)) continue;
    const sym = index.resolveName(file.moduleName, local);
    if ((sym?.kind === 'variable' && sym.variableKind === 'syncSessionFactory') || (sym?.kind === 'external' && /^sqlalchemy\.orm\.(session\.)?Session$/.test(sym.dotted))) names.add(local);
  }
  return names;
}

/** `db = SessionLocal()` / `with SessionLocal() as db:` inside async def. */
function checkLocalSessions(context: RuleContext): void {
  const { facts, config } = context;
  const candidates = sessionFactoryNames(context);
  if (!candidates.size) return;
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    const callee = facts.calleeName(call);
    if (!callee) continue;
    const last = callee.split('.').pop()!;
    if (!candidates.has(last)) continue;
    const calleeNode = call.childForFieldName('function');
    const name = boundNameOf(call);
    if (!name) continue;
    const fn = enclosingBodyFunction(call);
    if (!fn || !isAsyncFunction(fn)) continue;
    const sym = facts.resolve(calleeNode);
    const configured = config.session.syncFactories.includes(last) && last !== 'sessionmaker' && last !== 'Session';
    let sync = false;
    if (sym?.kind === 'variable') sync = sym.variableKind === 'syncSessionFactory' || (sym.variableKind === 'other' && configured);
    else if (sym?.kind === 'external') sync = /^sqlalchemy\.orm\.(session\.)?Session$/.test(sym.dotted) || (configured && !sym.dotted.startsWith('sqlalchemy.ext.asyncio'));
    else if (!sym) sync = configured;
    if (!sync) continue;
    context.report({
      node: call,
      message: `\`${name} = ${call.text}\` opens a sync \`Session\` in \`async def ${facts.functionFacts(fn).name}\`: every query blocks the event loop`,
      noFixReason: 'open an AsyncSession instead (`async with AsyncSessionLocal() as db:`) and await its queries',
    });
  }
}

function check(context: RuleContext): void {
  const { facts, config } = context;
  // Cheap text prefilter: only parameter lists that mention a session type or Depends are analysed.
  const words = [...config.session.syncTypes, ...config.session.asyncTypes, ...config.session.syncDependencies].map((t) => t.split('.').pop()!);
  words.push('Depends');
  for (const node of facts.scopedNodesOfType(context, 'function_definition')) {
    if (!isAsyncFunction(node)) continue;
    const paramsText = node.childForFieldName('parameters')?.text ?? '';
    if (!words.some((w) => paramsText.includes(w))) continue;
    const fn = facts.functionFacts(node);
    for (const param of fn.params.values()) checkParam(context, fn, param);
  }
  checkLocalSessions(context);
}

export const syncSessionInAsync: Rule = {
  code: 'AM103',
  name: 'sync-session-in-async',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    what: 'Reports a sync SQLAlchemy `Session` used inside `async def`: a parameter typed `Session` (`db: Session = Depends(get_db)`, `Annotated[Session, Depends(get_db)]`, a service method `async def get(self, db: Session)`), a parameter whose `Depends(...)` provides a sync session (`get_db`, even when annotated `AsyncSession`), and a session opened with a sync factory (`db = SessionLocal()`).',
    why: 'A sync `Session` does blocking database I/O. Inside `async def` every query then stops the event loop, so all concurrent requests wait for it — worse than leaving the endpoint sync, which FastAPI runs in a threadpool. The seed\'s pre-merge checklist requires "Sin Session sync".',
    example: 'from sqlalchemy.orm import Session\nfrom app.db.session import get_db\n\n@router.get("/users/me")\nasync def get_current_user_info(db: Session = Depends(get_db)):\n    ...',
    useInstead: 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.db.session import get_db, get_async_db\n\n@router.get("/users/me")\nasync def get_current_user_info(db: AsyncSession = Depends(get_async_db)):\n    ...',
    limits: [
      'The fix switches the annotation to `AsyncSession` and the dependency to `session.async-dependency` (default `get_async_db`), imported from the module that defines `get_db` when it also defines the async one, else from `session.async-dependency-module` (which must define it when it is in the workspace); with neither there is no fix. It removes nothing (the sync imports stay).',
      'When the workspace has no async session dependency at all, there is no fix and the message says so: run "Set up async infrastructure" (code action, command, or `async-migrate init-async`) first.',
      'The switch alone is a line fix only when every use of the session in the function gets its own fix in the same run: a `query()` chain the rewrite translates, a session coroutine (`execute`, `commit`, …) that can be awaited, `add`/`add_all`/`expunge`, or an argument of an `async def` that does not declare a sync `Session`. Otherwise (a sync service receiving the session, a use the fix cannot follow) it has no line fix and names the first such use: "Migrate this endpoint" switches it together with the whole handler, or changes nothing.',
      'After the switch the handler\'s queries must be async too: `db.query(...)` (AM101) and unawaited session calls (AM201) are reported and fixed separately; "Migrate this endpoint" combines them.',
      'A plain `db: Session` parameter without `Depends` gets no fix, only the suggestion to annotate it `AsyncSession` (fix and fix-all never apply it): the annotation does not change what the callers pass, and the awaited rewrites of the body would then crash on the sync Session they still pass.',
      'A stale `session: Session` annotation (no `Depends`) on an `async def` whose body already awaits the session\'s methods (`await session.execute(...)`, `async with session.begin()`) is reported as an annotation that contradicts the use, not as blocking I/O: awaiting a sync Session\'s results raises `TypeError`, so the function only runs with an `AsyncSession`. The fix then annotates it `AsyncSession` (and imports it) — it changes nothing at run time — but only when every use of the parameter is such an awaited call or a method that stays a plain call on an `AsyncSession` (`add`, `add_all`, `expunge`, …); a `.query(...)`, an un-awaited `execute`, the session passed to another function or used in a nested function keep the blocking-I/O message and the suggestion above.',
      'Aliases such as `SessionDep = Annotated[Session, Depends(get_db)]` used as `db: SessionDep` are not followed.',
      'A session opened with a sync factory (`SessionLocal()`) is reported without a fix.',
      'Evidence order: a dependency provides a sync session when it says so (a `-> Session` return annotation) or is a plain `def` with a configured sync name; an unannotated `async def` dependency and one the workspace does not define (an unresolved import) are unknown, so a parameter annotated `AsyncSession` is never overruled by a name.',
    ],
  },
  locality: 'definition',
  check,
};
