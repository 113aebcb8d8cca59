// AM203 sync-service-in-async: async code calls (or imports) a sync service/repository whose
// async twin exists (seed error 1; pre-merge checklist "Sin imports de servicios sync").
import { type Callable, calleeLastName, isLocalName, isPlainSyncFunction, resolveCall, workspaceNames } from '../callee';
import { isAwaitedExpr, needsParensForAwait, scopeOf } from '../fixes/await';
import { awaitBlocker } from '../fixes/awaiting';
import {
  type AsyncTwin,
  type MethodTwin,
  methodTwinOf,
  asyncTwinOf,
  fromImportBinding,
  serviceTwinOf,
  importNodes,
  importRemovable,
  removeImportedName,
  sameSymbol,
  twinSessionMisfit,
  twinImport,
  usesOf,
} from '../fixes/twins';
import type { Node } from '../parser';
import { switchBindingNote } from '../call-binding';
import { twinHolderCandidates } from '../twin-names';
import { sessionEvents } from '../session-effects';
import type { Rule, RuleContext } from '../rule';
import type { FileFacts } from '../semantics';
import { children, dottedName, unparen } from '../syntax';
import type { FunctionSummary, ImportBinding } from '../summary';
import type { Fix, RelatedInfo, TextEdit } from '../types';
import type { ResolvedSymbol } from '../workspace';

/** The identifier a twin switch renames at a call: the function name, or the receiver of `receiver.method(...)`. */
function renamedIdentifier(call: Node, twin: AsyncTwin): Node | undefined {
  const fn = unparen(call.childForFieldName('function')!);
  if (twin.syncSymbol.kind === 'function') return fn.type === 'identifier' ? fn : undefined;
  if (fn.type !== 'attribute') return undefined;
  const object = unparen(fn.childForFieldName('object')!);
  return object.type === 'identifier' ? object : undefined;
}

/** Edits renaming id to newName and, unless awaited, awaiting the call (with precedence). */
function renameAndAwait(call: Node, id: Node, newName: string, awaited: boolean): TextEdit[] {
  if (awaited) return [{ start: id.startIndex, end: id.endIndex, newText: newName }];
  const parens = needsParensForAwait(call);
  const open = parens ? '(await ' : 'await ';
  const edits: TextEdit[] =
    id.startIndex === call.startIndex
      ? [{ start: id.startIndex, end: id.endIndex, newText: open + newName }]
      : [
          { start: call.startIndex, end: call.startIndex, newText: open },
          { start: id.startIndex, end: id.endIndex, newText: newName },
        ];
  if (parens) edits.push({ start: call.endIndex, end: call.endIndex, newText: ')' });
  return edits;
}

/**
 * The fix switching one call site to the async twin: rename the imported name at the call,
 * import the twin (same import style), drop the sync import when this was its last use, and
 * await the call unless it already is.
 */
/** `AsyncUserService.get_user` / `aget_user`: the twin as messages name it. */
function twinQualifiedName(twin: AsyncTwin): string {
  return `${twin.className ? `${twin.className}.` : ''}${twin.fn.name}`;
}

/** Why the call cannot move to the twin as written (its signature drifted), if it cannot. */
export function twinDrift(call: Node, callable: Callable, twin: AsyncTwin): string | undefined {
  return switchBindingNote(
    call,
    { label: `${callable.className ? `${callable.className}.` : ''}${callable.name}`, fn: callable.fn },
    { label: `${twin.className ? `${twin.className}.` : ''}${twin.fn.name}`, fn: twin.fn, implicitFirst: twin.className !== undefined && twin.symbol.kind !== 'class' },
  );
}

export function twinCallSiteFix(facts: FileFacts, call: Node, callable: Callable, twin: AsyncTwin, awaited: boolean): Fix | undefined {
  // Only a call that binds to the twin's parameters may be switched (AM206 would report it after),
  // and only when it hands the `async def` twin no sync Session.
  if (twinDrift(call, callable, twin) || twinSessionMisfit(facts, call, twinQualifiedName(twin))) return undefined;
  const id = renamedIdentifier(call, twin);
  if (!id || isLocalName(facts, id)) return undefined;
  const binding = fromImportBinding(facts, id.text);
  if (!binding || !sameSymbol(facts.index.resolveBinding(binding), twin.syncSymbol)) return undefined;
  // When the whole module can switch, every call site offers that same fix (identical edits,
  // so fix-all applies it once instead of half-applying overlapping per-call fixes).
  const whole = moduleSwitch(facts, binding);
  if (whole?.fix) return whole.fix;
  const summary = facts.index.fileByPath(facts.file.path);
  const removeSync = usesOf(facts, id.text).length === 1 && importRemovable(facts, summary, id.text);
  const imported = twinImport(facts, twin, binding, { removeSync });
  if (!imported) return undefined;
  const target = `${imported.local}${twin.symbol.kind === 'function' ? '' : `.${callable.name}`}`;
  return {
    title: `Use the async twin \`${target}\`${awaited ? '' : ' (awaited)'}`,
    applicability: 'safe',
    edits: [...imported.edits, ...renameAndAwait(call, id, imported.local, awaited)],
  };
}

function twinLabel(twin: AsyncTwin, method: string): string {
  return `${twin.name}${twin.symbol.kind === 'function' ? '' : `.${method}`}`;
}

function twinRelatedInfo(twin: AsyncTwin): RelatedInfo[] {
  return twin.fn.nameRange && twin.path ? [{ path: twin.path, range: twin.fn.nameRange, message: `async twin: \`${twin.fn.name}\` is \`async def\` here` }] : [];
}

const switchNamesCache = new WeakMap<FileFacts, Set<string>>();

/**
 * Module-level `from … import` names whose symbol may have an async twin (per file, from the
 * summary and the index). A twin switch through one of them reads the name's other uses in the
 * module (the whole-module switch, whether the sync import goes), so such findings are file-wide.
 */
function twinSwitchNames(facts: FileFacts): Set<string> {
  let names = switchNamesCache.get(facts);
  if (names) return names;
  names = new Set();
  const { index } = facts;
  for (const binding of index.fileByPath(facts.file.path)?.imports ?? []) {
    if (binding.name === undefined || names.has(binding.local)) continue;
    const sym = index.resolveBinding(binding);
    if (!sym || (sym.kind !== 'instance' && sym.kind !== 'class' && sym.kind !== 'function')) continue;
    if (twinHolderCandidates(index, sym.module, sym.name, sym.kind).some(({ module, name }) => {
      const twin = index.resolveName(module, name);
      return !!twin && !sameSymbol(twin, sym);
    })) names.add(binding.local);
  }
  switchNamesCache.set(facts, names);
  return names;
}

/**
 * Whether a twin fix at this call may read other uses of an imported name (twinCallSiteFix
 * renames the callee `f(…)` or the receiver `obj.method(…)`): decided from the call's own text,
 * so AM202/AM203 report the call from their file-wide part exactly when this holds.
 */
export function twinSwitchReadsOtherUses(facts: FileFacts, call: Node): boolean {
  const names = twinSwitchNames(facts);
  if (!names.size) return false;
  const dotted = facts.calleeName(call);
  if (dotted !== undefined) {
    const parts = dotted.split('.');
    return parts.length <= 2 && names.has(parts[0]);
  }
  const fn = unparen(call.childForFieldName('function')!);
  const root = fn.type === 'attribute' ? unparen(fn.childForFieldName('object')!) : fn;
  return root.type === 'identifier' && names.has(root.text);
}

const switchCallsCache = new WeakMap<FileFacts, Node[]>();

/** The calls a file-wide part looks at: those whose twin switch may read other uses (per file). */
export function twinSwitchCalls(facts: FileFacts): Node[] {
  let calls = switchCallsCache.get(facts);
  // Only the statements naming one of the imports are read (a keystroke would otherwise index the whole tree).
  if (!calls) switchCallsCache.set(facts, (calls = facts.nodesOfTypeMentioning('call', twinSwitchNames(facts)).filter((call) => twinSwitchReadsOtherUses(facts, call))));
  return calls;
}

interface ImportUse {
  id: Node;
  call?: Node;
  callable?: Callable;
  twin?: AsyncTwin;
}

/**
 * (0) Calls of a sync service whose async twin exists. Per definition (`part` 'definition') every
 * call of the scope is judged and marked reported, but a twin finding whose fix may read other
 * uses of the import (twinSwitchReadsOtherUses) is reported by the file-wide part instead.
 */
function checkCalls(context: RuleContext, reported: Set<number>, part: 'definition' | 'file'): void {
  const { facts, index } = context;
  const names = workspaceNames(index).twinSyncNames;
  const calls = part === 'file' ? twinSwitchCalls(facts) : facts.scopedNodesOfType(context, 'call');
  // As AM201: a call holding no such name before an argument list is skipped unread.
  // (The file-wide part reads few calls: statements naming a switched import.)
  const mayName = facts.callMayName((name) => names.has(name), !context.partial && part !== 'file');
  for (const call of calls) {
    if (!mayName(call)) continue;
    const last = calleeLastName(call);
    if (!last || !names.has(last)) continue;
    const scope = scopeOf(call, facts);
    if (scope.kind !== 'function' || !scope.isAsync) continue;
    const callable = resolveCall(facts, call);
    if (!callable || callable.fn.isAsync || !isPlainSyncFunction(index, callable)) continue;
    // Awaited, it crashes: AM202 (await-on-sync) owns that call and offers the same twin fix;
    // a second diagnostic on the same call would only be noise.
    if (isAwaitedExpr(call)) continue;
    const calleeText = dottedName(call.childForFieldName('function')) ?? call.childForFieldName('function')!.text;
    const syncName = `${callable.className ? `${callable.className}.` : ''}${callable.name}`;
    const twin = asyncTwinOf(index, callable);
    if (!twin) {
      const service = serviceTwinOf(index, callable);
      if (!service) continue;
      reported.add(call.id);
      if (part === 'file') continue;
      context.report({
        node: call,
        message: `\`${calleeText}(…)\` calls the sync \`${syncName}\` from async code, blocking the event loop; the async twin \`${service.name}\` (\`${service.module}\`) exists but has no \`async def ${callable.name}\`: port it there or use one of its methods`,
        noFixReason: `the async twin \`${service.name}\` does not define \`${callable.name}\``,
      });
      continue;
    }
    reported.add(call.id);
    if ((part === 'file') !== twinSwitchReadsOtherUses(facts, call)) continue;
    const label = twinLabel(twin, callable.name);
    const message = `\`${calleeText}(…)\` calls the sync \`${syncName}\` from async code, blocking the event loop; its async twin \`${label}\` (\`${twin.module}\`) exists: \`await ${label}(…)\``;
    const blocker = awaitBlocker(facts, call);
    const drift = twinDrift(call, callable, twin);
    const misfit = twinSessionMisfit(facts, call, twinQualifiedName(twin));
    const fix = blocker ? undefined : twinCallSiteFix(facts, call, callable, twin, false);
    context.report({
      node: call,
      message: drift ? `${message}; but ${drift}` : message,
      fix,
      noFixReason: fix ? undefined : blocker ? `cannot insert \`await\`: ${blocker}` : drift ? drift : misfit ? `no switch: ${misfit}` : 'the call does not go through a name imported with `from … import`, or the twin name is already taken in this module',
      related: twinRelatedInfo(twin),
    });
  }
}

/** The async twin of an imported module-level symbol (instance, class or function), if any. */
function symbolHasTwin(facts: FileFacts, sym: ResolvedSymbol | undefined): { module: string; name: string } | undefined {
  const { index } = facts;
  if (!sym || (sym.kind !== 'instance' && sym.kind !== 'class' && sym.kind !== 'function')) return undefined;
  if (sym.kind === 'instance' && !index.module(sym.module)?.variables[sym.name]) return undefined;
  if (sym.kind === 'function' && sym.fn.isAsync) return undefined;
  for (const { module, name } of twinHolderCandidates(index, sym.module, sym.name, sym.kind)) {
    const twin = index.resolveName(module, name);
    if (!twin || twin.kind !== sym.kind || sameSymbol(twin, sym)) continue;
    if (twin.kind === 'function' && !twin.fn.isAsync) continue;
    return { module, name };
  }
  return undefined;
}

interface ModuleSwitch {
  twinInfo: { module: string; name: string };
  uses: Node[];
  /** Every use is inside `async def`. */
  allAsync: boolean;
  fix?: Fix;
  noFixReason?: string;
}

const switchCache = new WeakMap<FileFacts, Map<string, ModuleSwitch | undefined>>();

/** Whether (and how) every use of an imported sync symbol in this module can move to its async twin (cached per file). */
function moduleSwitch(facts: FileFacts, binding: ImportBinding): ModuleSwitch | undefined {
  let cache = switchCache.get(facts);
  if (!cache) switchCache.set(facts, (cache = new Map()));
  const key = `${binding.statementStart}:${binding.local}`;
  if (!cache.has(key)) cache.set(key, computeModuleSwitch(facts, binding));
  return cache.get(key);
}

function computeModuleSwitch(facts: FileFacts, binding: ImportBinding): ModuleSwitch | undefined {
  const { index, file } = facts;
  const summary = index.fileByPath(file.path);
  const sym = index.resolveBinding(binding);
  const twinInfo = symbolHasTwin(facts, sym);
  if (!twinInfo || !summary) return undefined;
  const uses = usesOf(facts, binding.local);
  const allAsync = uses.every((u) => {
    const s = scopeOf(u, facts);
    return s.kind === 'function' && s.isAsync;
  });
  const result: ModuleSwitch = { twinInfo, uses, allAsync };
  if (!uses.length || !allAsync) return result;
  const details: ImportUse[] = uses.map((id) => {
    const parent = id.parent!;
    const call =
      sym!.kind === 'function'
        ? parent.type === 'call' && parent.childForFieldName('function')?.id === id.id
          ? parent
          : undefined
        : parent.type === 'attribute' && parent.childForFieldName('object')?.id === id.id && parent.parent?.type === 'call' && parent.parent.childForFieldName('function')?.id === parent.id
          ? parent.parent
          : undefined;
    const callable = call ? resolveCall(facts, call) : undefined;
    const twin = callable && !callable.fn.isAsync && isPlainSyncFunction(index, callable) ? asyncTwinOf(index, callable) : undefined;
    return { id, call, callable, twin };
  });
  const convertible = details.every((d) => d.call && d.twin && d.twin.name === twinInfo.name && d.twin.module === twinInfo.module && (isAwaitedExpr(d.call) || !awaitBlocker(facts, d.call)));
  if (!convertible) {
    result.noFixReason = 'some uses are not calls of methods the async twin defines as `async def`';
    return result;
  }
  const drift = details.map((d) => twinDrift(d.call!, d.callable!, d.twin!) ?? twinSessionMisfit(facts, d.call!, twinQualifiedName(d.twin!))).find(Boolean);
  if (drift) {
    result.noFixReason = drift;
    return result;
  }
  const imported = twinImport(facts, details[0].twin!, binding, { removeSync: importRemovable(facts, summary, binding.local) });
  if (!imported) {
    result.noFixReason = `the name \`${twinInfo.name}\` is already taken in this module`;
    return result;
  }
  const edits = [...imported.edits];
  for (const d of details) edits.push(...renameAndAwait(d.call!, d.id, imported.local, isAwaitedExpr(d.call!)));
  result.fix = { title: `Switch this module to the async twin \`${imported.local}\` (${details.length === 1 ? '1 call' : `${details.length} calls`}, awaited)`, applicability: 'safe', edits };
  return result;
}

function checkImports(context: RuleContext): void {
  const { facts, index, file } = context;
  const summary = index.fileByPath(file.path);
  if (!summary) return;
  for (const binding of summary.imports) {
    if (binding.name === undefined) continue;
    const info = moduleSwitch(facts, binding);
    if (!info) continue;
    const { twinInfo, uses } = info;
    const nodes = importNodes(file, binding);
    if (!nodes) continue;
    const where = `\`${twinInfo.name}\` in \`${twinInfo.module}\``;
    if (!uses.length) {
      // Left over after switching every call to the twin: the twin is imported too.
      const twinImported = summary.imports.some((b) => b.name !== undefined && b.local !== binding.local && sameSymbol(index.resolveBinding(b), index.resolveName(twinInfo.module, twinInfo.name)));
      if (!twinImported || !importRemovable(facts, summary, binding.local)) continue;
      context.report({
        node: nodes.item,
        message: `the sync \`${binding.local}\` is imported but no longer used; this module already uses its async twin ${where}`,
        fix: { title: `Remove the unused sync import \`${binding.local}\``, applicability: 'safe', edits: [removeImportedName(file, nodes.statement, nodes.item)] },
        tags: ['unnecessary'],
      });
      continue;
    }
    if (!info.allAsync) continue;
    // Only when the name is used to call the service (not passed around as a value / type).
    const calledOnly = uses.every((id) => {
      const p = id.parent!;
      return (p.type === 'call' && p.childForFieldName('function')?.id === id.id) || (p.type === 'attribute' && p.childForFieldName('object')?.id === id.id && p.parent?.type === 'call' && p.parent.childForFieldName('function')?.id === p.id);
    });
    if (!calledOnly) continue;
    const { fix, noFixReason } = info;
    context.report({
      node: nodes.item,
      message: `\`${binding.local}\` is a sync service imported into code that only uses it from \`async def\`; import its async twin ${where} instead`,
      fix,
      noFixReason,
    });
  }
}

/** The fix switching `obj.method(…)` to its same-class async twin `await obj.method_async(…)`. */
export function methodTwinFix(facts: FileFacts, call: Node, callable: Callable, twin: MethodTwin, awaited: boolean): Fix | undefined {
  const callee = unparen(call.childForFieldName('function')!);
  const id = callee.type === 'attribute' ? callee.childForFieldName('attribute') : null;
  if (!id || methodTwinDrift(call, callable, twin)) return undefined;
  if (twinSessionMisfit(facts, call, `${twin.className}.${twin.name}`)) return undefined;
  if (!awaited && awaitBlocker(facts, call)) return undefined;
  return { title: `Use the async twin \`${twin.name}\`${awaited ? '' : ' (awaited)'}`, applicability: 'safe', edits: renameAndAwait(call, id, twin.name, awaited) };
}

export function methodTwinDrift(call: Node, callable: Callable, twin: MethodTwin): string | undefined {
  const implicitFirst = callable.receiver?.kind !== 'class';
  return switchBindingNote(call, { label: `${callable.className}.${callable.name}`, fn: callable.fn }, { label: `${twin.className}.${twin.name}`, fn: twin.fn, implicitFirst });
}

/** (b) A sync method called from async code when the same class has its async twin (`get_user` ↔ `get_user_async`). */
function checkMethodTwins(context: RuleContext, reported: Set<number>): void {
  const { facts, index } = context;
  const names = workspaceNames(index);
  const patterns = index.config.twins.methodPatterns;
  const hasMethodTwin = (last: string) => names.syncNames.has(last) && patterns.some((p) => names.asyncNames.has(p.replace(/\{name\}/g, last)));
  const mayName = facts.callMayName(hasMethodTwin, !context.partial);
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    if (reported.has(call.id)) continue;
    if (!mayName(call)) continue;
    const last = calleeLastName(call);
    if (!last || !hasMethodTwin(last)) continue;
    const scope = scopeOf(call, facts);
    if (scope.kind !== 'function' || !scope.isAsync || isAwaitedExpr(call)) continue;
    const callable = resolveCall(facts, call);
    if (!callable?.className || callable.fn.isAsync || !isPlainSyncFunction(index, callable) || asyncTwinOf(index, callable)) continue;
    const twin = methodTwinOf(index, callable);
    // Inside the twin itself, calling the sync one is its implementation (switching would recurse).
    if (!twin || (scope.kind === 'function' && enclosingFunctionName(facts, call) === twin.name)) continue;
    reported.add(call.id);
    const calleeText = dottedName(call.childForFieldName('function')) ?? last;
    const drift = methodTwinDrift(call, callable, twin) ?? twinSessionMisfit(facts, call, `${twin.className}.${twin.name}`);
    const fix = methodTwinFix(facts, call, callable, twin, false);
    const blocker = fix || drift ? undefined : awaitBlocker(facts, call);
    context.report({
      node: call,
      message: `\`${calleeText}(…)\` calls the sync \`${callable.className}.${callable.name}\` from async code, blocking the event loop; \`${twin.className}\` has its async twin \`${twin.name}\`: \`await ${calleeText.replace(/[^.]+$/, twin.name)}(…)\`${drift ? `; but ${drift}` : ''}`,
      fix,
      noFixReason: fix ? undefined : drift ?? (blocker ? `cannot insert \`await\`: ${blocker}` : 'the call cannot be rewritten here'),
    });
  }
}

function enclosingFunctionName(facts: FileFacts, node: Node): string | undefined {
  return facts.enclosingFunction(node)?.name;
}

/** Whether `annotation` (as written in `module`) names SQLAlchemy's sync Session (and nothing async beside it). */
function isSyncSessionAnnotation(context: RuleContext, module: string, annotation: string | undefined): boolean {
  if (!annotation || /Async/.test(annotation) || context.config.session.asyncTypes.some((t) => annotation.includes(t.split('.').pop()!))) return false;
  const inner = annotation.replace(/^(typing\.)?(Optional|Annotated)\[\s*/, '').replace(/\s*(\|\s*None|,.*)?\]?$/s, '').replace(/^["']|["']$/g, '');
  const last = inner.split('.').pop()!;
  if (!context.config.session.syncTypes.some((t) => t.split('.').pop() === last) || context.config.session.asyncTypes.some((t) => t.split('.').pop() === last)) return false;
  const sym = context.index.resolveDotted(module, inner);
  // Another library's Session (requests, aiohttp…) is not ours; an unresolved name is read as written.
  return !sym || (sym.kind === 'external' && /^sqlalchemy\.orm(\.session)?\.Session$/.test(sym.dotted));
}

/**
 * (a) An AsyncSession handed to a sync function whose parameter is a sync `Session` (annotated,
 * or used as one), and (c) a sync service class instantiated with one — with or without a twin.
 */
function checkSessionHandoffs(context: RuleContext, reported: Set<number>): void {
  const { facts } = context;
  for (const fnNode of facts.scopedNodesOfType(context, 'function_definition')) {
    const fn = facts.functionFacts(fnNode);
    if (!fn.isAsync) continue;
    const sessions = new Set([...fn.params.keys(), ...fn.locals.keys()].filter((n) => !n.includes('.')));
    for (const event of sessionEvents(fnNode, sessions)) {
      // Awaited, the call crashes first on `await`: AM202 owns it.
      if (event.kind !== 'handoff' || reported.has(event.call.id) || isAwaitedExpr(event.call)) continue;
      const arg = event.call.childForFieldName('arguments');
      const argNode = arg && children(arg).find((a) => (a.type === 'identifier' && a.text === event.session) || (a.type === 'keyword_argument' && a.childForFieldName('value')?.text === event.session));
      const sessionNode = argNode?.type === 'keyword_argument' ? argNode.childForFieldName('value') : argNode;
      if (!sessionNode || facts.sessionFlavor(sessionNode) !== 'async') continue;
      const target = sessionReceiver(context, event.call, event.position, event.keyword);
      if (!target) continue;
      reported.add(event.call.id);
      const calleeText = dottedName(event.call.childForFieldName('function')) ?? event.callee;
      const why = target.isClass ? `annotated \`${target.annotation}\`` : `${target.annotated ? `annotated \`${target.annotation}\` and ` : ''}used as a sync session (\`.query(…)\`, or \`execute\`/\`commit\`/… not awaited)`;
      context.report({
        node: event.call,
        message: target.isClass
          ? `\`${calleeText}(…)\` builds the sync \`${target.label}\` with the AsyncSession \`${event.session}\`, but its \`${target.param}\` is ${why}: its methods fail at run time (an AsyncSession has no \`query\`, and its methods return coroutines); use or write the async version of \`${target.label}\` first`
          : `\`${calleeText}(…)\` hands the AsyncSession \`${event.session}\` to the sync \`${target.label}\`, whose \`${target.param}\` is ${why}: this fails at run time (an AsyncSession has no \`query\`, and \`execute\`/\`commit\` return coroutines nobody awaits); port \`${target.label}\` to \`async def\` taking an \`AsyncSession\` first`,
        noFixReason: `no async twin of \`${target.label}\` exists yet`,
      });
    }
  }
}

/** The sync function/method (or class __init__) parameter that receives a session at this call, when it is a sync Session. */
function sessionReceiver(context: RuleContext, call: Node, position?: number, keyword?: string): { label: string; param: string; annotated: boolean; annotation?: string; isClass: boolean } | undefined {
  const { facts, index } = context;
  let fn: FunctionSummary | undefined;
  let module: string;
  let label: string;
  let implicitFirst: boolean;
  let isClass = false;
  const sym = facts.resolve(unparen(call.childForFieldName('function')!));
  if (sym?.kind === 'class') {
    const init = index.findMethod(sym.module, sym.cls, '__init__');
    if (!init || init.fn.isAsync) return undefined;
    ({ fn, module } = init);
    label = sym.name;
    implicitFirst = true;
    isClass = true;
  } else {
    const callable = resolveCall(facts, call);
    if (!callable || callable.fn.isAsync || !isPlainSyncFunction(index, callable)) return undefined;
    fn = callable.fn;
    module = callable.module;
    label = `${callable.className ? `${callable.className}.` : ''}${callable.name}`;
    const decorators = fn.decorators;
    implicitFirst = !!callable.className && (decorators.includes('classmethod') || (!decorators.includes('staticmethod') && callable.receiver?.kind !== 'class'));
  }
  let param: string | undefined;
  if (keyword) param = fn.params.includes(keyword) ? keyword : undefined;
  else if (position !== undefined) {
    const positional = fn.params.filter((p) => p !== '/' && !p.startsWith('*'));
    const star = fn.params.findIndex((p) => p.startsWith('*'));
    const allowed = star < 0 ? positional : fn.params.slice(0, star).filter((p) => p !== '/');
    param = allowed[position + (implicitFirst ? 1 : 0)];
  }
  if (!param) return undefined;
  const annotation = fn.paramAnnotations?.[param];
  // A class keeps the session for its methods: its annotation is the evidence. A function must
  // also use it as a sync session (`is_postgres(session: Session)` reading `.bind` works on both).
  if (isClass) return isSyncSessionAnnotation(context, module, annotation) ? { label, param, annotated: true, annotation, isClass } : undefined;
  if (!fn.sessionEffects?.syncUses?.includes(param) || (annotation && /Async/.test(annotation))) return undefined;
  return isSyncSessionAnnotation(context, module, annotation) ? { label, param, annotated: true, annotation, isClass } : { label, param, annotated: false, isClass };
}

/** Per definition: calls, method twins and session hand-offs of the definitions in scope. */
function check(context: RuleContext): void {
  const reported = new Set<number>();
  checkCalls(context, reported, 'definition');
  checkMethodTwins(context, reported);
  checkSessionHandoffs(context, reported);
}

/** File-wide part: the imports, and the twin calls whose switch reads the import's other uses. */
function checkFile(context: RuleContext): void {
  checkCalls(context, new Set(), 'file');
  checkImports(context);
}

export const syncServiceInAsync: Rule = {
  code: 'AM203',
  name: 'sync-service-in-async',
  defaultSeverity: 'warning',
  fix: 'sometimes',
  docs: {
    what: 'Reports, inside `async def`, a call to a sync service/repository (a plain `def` reached through a module-level instance, class or function) whose async twin exists — `services/user.py:user_service` ↔ `services/async_user.py:async_user_service` with an `async def` of the same name. Also reports the sync import itself when every use in the module is in async code, and a sync import left unused after every call moved to the twin.',
    why: 'The sync service runs its database and network I/O on the event loop thread: every request waits for it, which is exactly what the migration is removing. The seed\'s pre-merge checklist requires "no sync service imports" in a migrated endpoint, and mixing the two twins is its common error 1.',
    example: 'from app.services.user import user_service\n\nasync def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):\n    return user_service.get_user(db, user_id)',
    useInstead: 'from app.services.async_user import async_user_service\n\nasync def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):\n    return await async_user_service.get_user(db, user_id)',
    limits: [
      'Twin naming follows `[tool.async-migrate.twins]` (`module-patterns`, default `async_{name}`, `{name}_async`; `name-patterns`, default `async_{name}`, `{name}_async`, `Async{Name}`); the twin must define an `async def` with the same method name.',
      'The fix needs the sync name imported with `from … import` (any alias, relative imports and package re-exports included); the twin is imported in the same style, and the sync import is removed when nothing else in the file (or `__all__`, or another module importing it from here) still uses it.',
      'Awaited calls of a sync service (`await user_service.get(...)`) are reported by AM202 (await-on-sync), not here.',
      'The switch is offered only when the call fits the twin: its arguments bind to the twin\'s parameters, and it passes no sync `Session` (the `async def` twin would await its methods and crash). Switch the session first (AM103), or use "Migrate this endpoint", which does both.',
    ],
  },
  locality: 'definition',
  check,
  checkFile,
};
