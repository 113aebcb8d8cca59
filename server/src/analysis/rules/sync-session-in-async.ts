// AM103 sync-session-in-async: a sync SQLAlchemy `Session` used inside `async def`
// (seed checklist "Sin Session sync").
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { FunctionFacts, ParamFacts } from '../semantics';
import { ensureFromImport, importedLocalName } from '../fixes/imports';
import { children, dottedName, keywordArgument, walk } from '../syntax';
import type { TextEdit } from '../types';

const ASYNC_SESSION_MODULE = 'sqlalchemy.ext.asyncio';

/** The name node inside an annotation that denotes a sync Session type, if any. */
function syncSessionTypeNode(context: RuleContext, annotation: Node | undefined): Node | undefined {
  if (!annotation) return undefined;
  const { index, file, config } = context;
  let found: Node | undefined;
  walk(annotation, (n) => {
    if (found) return false;
    if (n.type !== 'identifier' && n.type !== 'attribute') return;
    const dotted = dottedName(n);
    if (!dotted) return false;
    const sym = index.resolveDotted(file.moduleName, dotted);
    const full = sym?.kind === 'external' ? sym.dotted : sym?.kind === 'class' ? `${sym.module}.${sym.name}` : dotted;
    const isAsync = config.session.asyncTypes.some((t) => full === t || dotted === t || full.endsWith('.' + t));
    if (isAsync) return false;
    if (config.session.syncTypes.some((t) => full === t || dotted === t || (t.includes('.') && full.endsWith('.' + t)))) {
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
  const { index, file, config } = context;
  let found = false;
  walk(annotation, (n) => {
    if (found) return false;
    if (n.type !== 'identifier' && n.type !== 'attribute') return;
    const dotted = dottedName(n);
    if (!dotted) return false;
    const sym = index.resolveDotted(file.moduleName, dotted);
    const full = sym?.kind === 'external' ? sym.dotted : sym?.kind === 'class' ? `${sym.module}.${sym.name}` : dotted;
    if (config.session.asyncTypes.some((t) => full === t || dotted === t || full.endsWith('.' + t))) found = true;
    if (n.type === 'attribute') return false;
  });
  return found;
}

/** True when the dependency (as written in Depends(...)) provides a sync Session. */
function isSyncDependency(context: RuleContext, dependency: string): boolean {
  const { session } = context.config;
  const last = dependency.split('.').pop()!;
  if (session.asyncDependencies.includes(last) || last === session.asyncDependency) return false;
  if (session.syncDependencies.includes(last)) return true;
  const sym = context.index.resolveDotted(context.file.moduleName, dependency);
  if (sym?.kind !== 'function') return false;
  const ret = sym.fn.returns ?? '';
  return /\bSession\b/.test(ret) && !/AsyncSession/.test(ret);
}

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
function asyncDependency(context: RuleContext, syncDependency: string): { text: string; edit?: TextEdit } | { reason: string } {
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
  if (config.session.asyncDependencyModule) {
    const existing = importedLocalName(file, config.session.asyncDependencyModule, target);
    if (existing) return { text: existing };
    return { text: target, edit: ensureFromImport(file, config.session.asyncDependencyModule, target) };
  }
  return { reason: `no async session dependency found (\`${target}\` is not defined next to \`${syncDependency}\`); set [tool.async-migrate.session] async-dependency (and async-dependency-module)` };
}

/** How to spell `AsyncSession` here, plus the import it needs. */
function asyncSessionName(context: RuleContext): { text: string; edit?: TextEdit } {
  const local = importedLocalName(context.file, ASYNC_SESSION_MODULE, 'AsyncSession');
  if (local) return { text: local };
  return { text: 'AsyncSession', edit: ensureFromImport(context.file, ASYNC_SESSION_MODULE, 'AsyncSession') };
}

function checkParam(context: RuleContext, fn: FunctionFacts, param: ParamFacts): void {
  const typeNode = syncSessionTypeNode(context, param.annotation);
  const depNode = dependencyNode(param);
  const syncDep = depNode ? isSyncDependency(context, depNode.text) : false;
  const asyncAnnotated = hasAsyncSessionType(context, param.annotation);
  if (!typeNode && !syncDep) return;
  // `db: AsyncSession = Depends(get_db)` or `db = Depends(get_db)`: the dependency is the problem.
  const where = `in \`async def ${fn.name}\``;
  let message: string;
  if (typeNode && depNode) message = `\`${param.name}\` is a sync \`Session\` (\`Depends(${depNode.text})\`) ${where}: every query blocks the event loop; use \`AsyncSession\` with the async dependency`;
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
    const dep = syncDep || typeNode ? asyncDependency(context, depNode.text) : undefined;
    if (dep && 'reason' in dep) {
      context.report({ node: param.node, message, noFixReason: dep.reason });
      return;
    }
    if (dep && dep.text !== depNode.text) {
      edits.push({ start: depNode.startIndex, end: depNode.endIndex, newText: dep.text });
      if (dep.edit) edits.push(dep.edit);
    }
    context.report({ node: param.node, message, fix: { title: `Use AsyncSession = Depends(${dep?.text ?? depNode.text})`, applicability: 'safe', edits } });
    return;
  }
  // A plain `db: Session` parameter (a service function): only its annotation can change here;
  // its callers must pass an AsyncSession, so this is not applied by fix-all.
  context.report({ node: param.node, message, fix: { title: 'Annotate as AsyncSession', applicability: 'unsafe', edits } });
}

/** `db = SessionLocal()` / `with SessionLocal() as db:` inside async def. */
function checkLocals(context: RuleContext, fn: FunctionFacts): void {
  const { facts, config } = context;
  for (const [name, bindings] of fn.locals) {
    if (name.startsWith('self.')) continue;
    for (const binding of bindings) {
      const value = binding.value;
      if (value.type !== 'call') continue;
      const calleeNode = value.childForFieldName('function');
      const callee = dottedName(calleeNode);
      if (!callee) continue;
      const sym = facts.resolve(calleeNode);
      let sync = false;
      if (sym?.kind === 'variable') sync = sym.variableKind === 'syncSessionFactory';
      else if (sym?.kind === 'external') sync = sym.dotted === 'sqlalchemy.orm.Session' || sym.dotted === 'sqlalchemy.orm.session.Session';
      else if (!sym) {
        const last = callee.split('.').pop()!;
        sync = config.session.syncFactories.includes(last) && last !== 'sessionmaker' && last !== 'Session';
      }
      if (!sync) continue;
      context.report({
        node: value,
        message: `\`${name} = ${value.text}\` opens a sync \`Session\` in \`async def ${fn.name}\`: every query blocks the event loop`,
        noFixReason: 'open an AsyncSession instead (`async with AsyncSessionLocal() as db:`) and await its queries',
      });
    }
  }
}

function check(context: RuleContext): void {
  const { facts } = context;
  for (const node of facts.nodesOfType('function_definition')) {
    const fn = facts.functionFacts(node);
    if (!fn.isAsync) continue;
    for (const param of fn.params.values()) checkParam(context, fn, param);
    checkLocals(context, fn);
  }
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
      'The fix switches the annotation to `AsyncSession` and the dependency to `session.async-dependency` (default `get_async_db`), imported from the module that defines `get_db` when it also defines the async one, else from `session.async-dependency-module`; with neither there is no fix. It removes nothing (the sync imports stay).',
      'After the switch the handler\'s queries must be async too: `db.query(...)` (AM101) and unawaited session calls (AM201) are reported and fixed separately; "Migrate this endpoint" combines them.',
      'A plain `db: Session` parameter without `Depends` only gets an unsafe annotation fix: its callers must pass an `AsyncSession`.',
      'Aliases such as `SessionDep = Annotated[Session, Depends(get_db)]` used as `db: SessionDep` are not followed.',
      'A session opened with a sync factory (`SessionLocal()`) is reported without a fix.',
    ],
  },
  check,
};
