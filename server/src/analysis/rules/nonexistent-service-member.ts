// AM204 nonexistent-service-member: a call or import of a member a workspace class/module does not define.
import { enclosingFunctionFacts, isSelfParam, memberExists, memberNames, resolveExpression, subclassDefines } from '../callee';
import { coroutineFunctionProof, syncSessionArgument } from '../async-evidence';
import { bindingProblem, callShape, describeBindingProblem } from '../call-binding';
import { isAwaitedExpr } from '../fixes/await';
import type { Node } from '../parser';
import { usesOf } from '../fixes/twins';
import type { Rule, RuleContext } from '../rule';
import type { FileFacts } from '../semantics';
import { type StatementRange, StatementMemo } from '../statement-memo';
import { resolveRelativeModule } from '../summary';
import type { FunctionSummary } from '../summary';
import { unparen } from '../syntax';
import type { Fix, RelatedInfo, TextEdit } from '../types';
import type { ResolvedSymbol, WorkspaceIndex } from '../workspace';

/** Optimal string alignment distance (Levenshtein + adjacent transpositions), capped. */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export interface Suggestion {
  name: string;
  /** Chosen through the twin naming patterns (safe) or by edit distance (unsafe). */
  byTwinPattern: boolean;
}

/** The existing member a misspelt / twin-confused name most likely meant. */
export function closestMember(index: WorkspaceIndex, name: string, candidates: string[]): Suggestion | undefined {
  const pool = [...new Set(candidates)].filter((c) => c !== name);
  const base = index.syncNameOf(name);
  if (base && pool.includes(base)) return { name: base, byTwinPattern: true };
  const twins = index.asyncTwinNames(name).filter((t) => pool.includes(t));
  if (twins.length === 1) return { name: twins[0], byTwinPattern: true };
  if (name.length < 4) return undefined;
  let best: string[] = [];
  let bestDistance = 3;
  for (const c of pool) {
    const distance = editDistance(name, c, 2);
    if (distance > 2) continue;
    if (distance < bestDistance) {
      best = [c];
      bestDistance = distance;
    } else if (distance === bestDistance) best.push(c);
  }
  return best.length === 1 ? { name: best[0], byTwinPattern: false } : undefined;
}

function describeReceiver(sym: ResolvedSymbol): string {
  switch (sym.kind) {
    case 'instance':
      return `\`${sym.name}\` (an instance of \`${sym.className}\`)`;
    case 'class':
      return `the class \`${sym.name}\``;
    case 'module':
      return `the module \`${sym.module}\``;
    default:
      return 'it';
  }
}

function definitionOf(index: WorkspaceIndex, sym: ResolvedSymbol): RelatedInfo | undefined {
  if (sym.kind === 'module') {
    const mod = index.module(sym.module);
    return mod ? { path: mod.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `\`${sym.module}\` is defined here` } : undefined;
  }
  if (sym.kind !== 'instance' && sym.kind !== 'class') return undefined;
  const module = sym.kind === 'instance' ? sym.classModule : sym.module;
  const mod = index.module(module);
  if (!mod) return undefined;
  const range = sym.cls.nameRange ?? { start: { line: sym.cls.line - 1, character: 0 }, end: { line: sym.cls.line - 1, character: 0 } };
  return { path: mod.path, range, message: `\`${sym.cls.name}\` is defined here` };
}

/** For a member missing on an async twin: the sync twin that does define it (the async side is not migrated yet). */
function syncTwinHas(index: WorkspaceIndex, sym: ResolvedSymbol, attr: string): string | undefined {
  if (sym.kind === 'instance') {
    const syncName = index.syncNameOf(sym.name);
    const syncModule = index.syncTwinModule(sym.module) ?? sym.module;
    const syncSym = syncName ? index.resolveName(syncModule, syncName) : undefined;
    if (syncSym?.kind === 'instance' && index.findMethod(syncSym.classModule, syncSym.cls, attr)) return `${syncSym.className}.${attr}`;
  }
  if (sym.kind === 'module') {
    const syncModule = index.syncTwinModule(sym.module);
    if (syncModule && index.module(syncModule)?.definedNames?.includes(attr)) return `${syncModule}.${attr}`;
  }
  return undefined;
}

/**
 * Whether renaming the call to `candidate` keeps it correct (the facts the rename relies on): an
 * awaited call needs an `async def` member that gets no sync Session, an unawaited one a plain
 * callable, and the call's arguments must bind to the member's parameters. Undefined when it fits,
 * else why not.
 */
function renameMisfit(context: RuleContext, call: Node, receiver: ResolvedSymbol, candidate: string): string | undefined {
  const { index, facts } = context;
  const awaited = isAwaitedExpr(call);
  let fn: FunctionSummary | undefined;
  let skipFirst = false;
  if (receiver.kind === 'instance' || receiver.kind === 'class') {
    const found = index.findMethod(receiver.kind === 'instance' ? receiver.classModule : receiver.module, receiver.cls, candidate);
    if (!found) return `\`${candidate}\` is not a method`;
    fn = found.fn;
    const decorators = fn.decorators.map((d) => d.replace(/\(.*$/s, ''));
    skipFirst = receiver.kind === 'instance' ? !decorators.some((d) => /(^|\.)staticmethod$/.test(d)) : decorators.some((d) => /(^|\.)classmethod$/.test(d));
  } else if (receiver.kind === 'module') {
    const sym = index.resolveName(receiver.module, candidate);
    if (sym?.kind === 'function') fn = sym.fn;
    else if (sym?.kind === 'class') {
      if (awaited) return `\`${candidate}\` is a class: its instances are not awaitable`;
      const init = index.findMethod(sym.module, sym.cls, '__init__');
      if (!init) return undefined;
      fn = init.fn;
      skipFirst = true;
    } else return `\`${candidate}\` is not a function`;
  }
  if (!fn) return `\`${candidate}\` is not a function`;
  if (fn.name !== '__init__') {
    const proof = coroutineFunctionProof(fn, candidate);
    if (awaited && !proof.proven) return `the call is awaited but ${proof.reason}`;
    if (!awaited && fn.isAsync) return `\`${candidate}\` is \`async def\` but the call is not awaited`;
    if (awaited) {
      const syncSession = syncSessionArgument(facts, call);
      if (syncSession) return `\`${syncSession.text}\` is a sync \`Session\`, which the \`async def ${candidate}\` cannot await`;
    }
  }
  const shape = callShape(call);
  if (!shape || shape.unpacks) return `the call unpacks \`*args\`/\`**kwargs\`, so its binding to \`${candidate}\` cannot be checked`;
  const problem = bindingProblem(fn, shape, skipFirst);
  return problem ? `the call does not bind to \`${candidate}\`: ${describeBindingProblem(problem)}` : undefined;
}

function renameFix(suggestion: Suggestion | undefined, edits: TextEdit[]): Fix | undefined {
  if (!suggestion || !edits.length) return undefined;
  return { title: `Rename to \`${suggestion.name}\``, applicability: suggestion.byTwinPattern ? 'safe' : 'unsafe', edits };
}

/** A name at the start of an assignment, and the character after it. */
const ASSIGNED_NAME = /([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)[ \t]*(.)/uy;
/** After a name (`a.b =`, `a[0] =`, `a, b =`) or first (`(a, b) =`, `[a] =`): no plain name on the left. */
const NOT_A_PLAIN_LEFT = '.[,([';

/** Names assigned by a top-level statement (anywhere inside it), remembered by the statement's text. */
const statementAssignedNames = new StatementMemo<string[]>();

/** Names assigned anywhere in the file by a plain `name = …` / `name: T = …` (a keystroke reads the statement it changed only). */
function assignedNames(facts: FileFacts): Set<string> {
  const text = facts.file.text;
  const assigned = new Set<string>();
  const perStatement = statementAssignedNames.valuesOf(facts.file, (statement) => {
    const names: string[] = [];
    for (const a of facts.nodes.nodesOfTypeStartingIn('assignment', statement.start, statement.end)) {
      // `name =` / `name: T =` starts the node when its left side is a plain name: read from the
      // text (two wasm calls per assignment of the file cost more than the rest of the rule).
      ASSIGNED_NAME.lastIndex = a.startIndex;
      const m = ASSIGNED_NAME.exec(text);
      if (m && (m[2] === ':' || m[2] === '=')) names.push(m[1]);
      else if (!(m && NOT_A_PLAIN_LEFT.includes(m[2])) && !NOT_A_PLAIN_LEFT.includes(text.charAt(a.startIndex))) {
        const left = a.childForFieldName('left');
        if (left?.type === 'identifier') names.push(left.text);
      }
    }
    return names;
  });
  for (const { value } of perStatement) for (const name of value) assigned.add(name);
  return assigned;
}

function checkCalls(context: RuleContext): void {
  const { facts, index } = context;
  const summary = index.fileByPath(facts.file.path);
  // Names bound at module level, and by imports inside functions (resolved in their function's scope).
  const defined = new Set([...(summary?.definedNames ?? []), ...(summary?.nestedImports ?? []).map((b) => b.local.split('.')[0])]);
  const assigned = assignedNames(facts);
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    // From the callee's text (cached): a plain name is no member access, and a dotted name's
    // root must pass the pre-filter below before the tree is looked at.
    const dotted = facts.calleeName(call);
    if (dotted !== undefined) {
      const dot = dotted.indexOf('.');
      if (dot < 0) continue;
      const rootName = dotted.slice(0, dot);
      if (!(defined.has(rootName) || assigned.has(rootName))) continue;
    }
    const fn = unparen(call.childForFieldName('function')!);
    if (fn.type !== 'attribute') continue;
    const object = unparen(fn.childForFieldName('object')!);
    const attrNode = fn.childForFieldName('attribute')!;
    // `self.x()` may be provided by a subclass or mixin; annotated parameters may hold a subclass.
    if (object.type === 'call') continue; // super().x()
    // Cheap pre-filter: the receiver's root must be a module-level name or a local bound by an assignment.
    let root: Node = object;
    while (root.type === 'attribute') root = unparen(root.childForFieldName('object')!);
    if (root.type !== 'identifier' || !(defined.has(root.text) || assigned.has(root.text))) continue;
    if (object.type === 'identifier' && (isSelfParam(facts, object) || enclosingFunctionFacts(facts, object)?.params.has(object.text))) continue;
    const receiver = resolveExpression(facts, object);
    if (!receiver || (receiver.kind !== 'instance' && receiver.kind !== 'class' && receiver.kind !== 'module')) continue;
    if (receiver.kind !== 'module' && index.hasUnknownBases(receiver.kind === 'instance' ? receiver.classModule : receiver.module, receiver.cls)) continue;
    const attr = attrNode.text;
    if (memberExists(index, receiver, attr) !== false) continue;
    // An instance known from an annotation (a factory's `-> Base`) may be any subclass.
    if (receiver.kind === 'instance' && subclassDefines(index, receiver.classModule, receiver.className, attr)) continue;
    const names = memberNames(index, receiver);
    // Only members the renamed call would use correctly are candidates; the closest name
    // overall is still named when it does not fit, with the reason.
    const fitting = names.filter((n) => !renameMisfit(context, call, receiver, n));
    const suggestion = closestMember(index, attr, fitting);
    const closest = suggestion ? undefined : closestMember(index, attr, names);
    const misfit = closest ? renameMisfit(context, call, receiver, closest.name) : undefined;
    const onSync = syncTwinHas(index, receiver, attr);
    let message = `${describeReceiver(receiver)} has no member \`${attr}\`: this call raises \`AttributeError\``;
    if (suggestion) message += `; did you mean \`${suggestion.name}\`?`;
    else if (closest && misfit) message += `; \`${closest.name}\` exists but does not fit this call (${misfit})`;
    if (onSync) message += ` (\`${onSync}\` exists only in the sync twin: the async one does not implement it yet)`;
    const def = definitionOf(index, receiver);
    context.report({
      node: attrNode,
      message,
      fix: renameFix(suggestion, suggestion ? [{ start: attrNode.startIndex, end: attrNode.endIndex, newText: suggestion.name }] : []),
      noFixReason: suggestion ? undefined : misfit ? `no rename: ${misfit}` : 'no unique close match among the existing members',
      related: def ? [def] : undefined,
    });
  }
}

/** A `from module import a, b as c` of a statement, by offsets relative to the statement. */
interface ImportFrom {
  module: string;
  /** The statement itself (a module-level import), not nested in a function, class or `if`. */
  topLevel: boolean;
  names: { name: string; start: number; end: number; aliased: boolean }[];
}

/** The `from … import …` statements of a top-level statement, remembered by its text. */
const statementImportFroms = new StatementMemo<ImportFrom[]>();

function importFromsOf(facts: FileFacts, statement: StatementRange): ImportFrom[] {
  if (!facts.file.text.slice(statement.start, statement.end).includes('import')) return [];
  const out: ImportFrom[] = [];
  for (const stmt of facts.nodes.nodesOfTypeStartingIn('import_from_statement', statement.start, statement.end)) {
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode) continue;
    const names: ImportFrom['names'] = [];
    for (const item of stmt.childrenForFieldName('name')) {
      if (!item) continue;
      const nameNode = item.type === 'aliased_import' ? item.childForFieldName('name')! : item;
      names.push({ name: nameNode.text, start: nameNode.startIndex - statement.start, end: nameNode.endIndex - statement.start, aliased: item.type === 'aliased_import' });
    }
    out.push({ module: moduleNode.text.replace(/\s+/g, ''), topLevel: stmt.parent?.type === 'module', names });
  }
  return out;
}

function checkImports(context: RuleContext): void {
  const { facts, index, file } = context;
  const isPackage = /(^|\/)__init__\.pyi?$/.test(file.path);
  // A keystroke reads the tree of the statement it changed only; the others' imports come from the memo.
  for (const { statement, value } of statementImportFroms.valuesOf(file, (st) => importFromsOf(facts, st))) for (const imported of value) {
    const module = resolveRelativeModule(file.moduleName, isPackage, imported.module);
    if (!index.module(module)) continue;
    const receiver: ResolvedSymbol = { kind: 'module', module };
    const topLevel = imported.topLevel;
    for (const item of imported.names) {
      const name = item.name;
      const nameStart = statement.start + item.start;
      const nameEnd = statement.start + item.end;
      if (name.includes('.') || memberExists(index, receiver, name) !== false) continue;
      const suggestion = closestMember(index, name, memberNames(index, receiver).filter((n) => !n.startsWith('_') || name.startsWith('_')));
      const onSync = syncTwinHas(index, receiver, name);
      let message = `\`${module}\` does not define \`${name}\`: this import raises \`ImportError\``;
      if (suggestion) message += `; did you mean \`${suggestion.name}\`?`;
      if (onSync) message += ` (\`${onSync}\` exists only in the sync twin module)`;
      const edits: TextEdit[] = [];
      if (suggestion) {
        edits.push({ start: nameStart, end: nameEnd, newText: suggestion.name });
        // Not aliased: the uses of the name in this module are renamed too.
        if (!item.aliased) {
          if (!topLevel || facts.index.resolveName(file.moduleName, suggestion.name) || index.fileByPath(file.path)?.definedNames?.includes(suggestion.name)) edits.length = 0;
          else for (const use of usesOf(facts, name)) edits.push({ start: use.startIndex, end: use.endIndex, newText: suggestion.name });
        }
      }
      const def = definitionOf(index, receiver);
      context.report({
        start: nameStart,
        end: nameEnd,
        message,
        fix: renameFix(suggestion, edits),
        noFixReason: edits.length ? undefined : suggestion ? `\`${suggestion.name}\` is already bound in this module` : 'no unique close match among the names the module defines',
        related: def ? [def] : undefined,
      });
    }
  }
}


export const nonexistentServiceMember: Rule = {
  code: 'AM204',
  name: 'nonexistent-service-member',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    what: 'Reports a call of a method a workspace class does not define (`await async_user_service.get_user_async(...)` on a class that only has `get_user`), a call of a function a workspace module does not define, and `from module import name` where the workspace module does not define or import `name` (`from app.services.async_user import async_user_serviec`).',
    why: 'While sync and async twins coexist, names get mixed up: the async twin is called with a `_async` suffix it does not have, a method is called on the async service before it was ported, or the import names the wrong twin. Python only finds out when the line runs (`AttributeError`) or when the module is imported (`ImportError`) — in production, for a rarely used endpoint.',
    example: 'from app.services.async_user import async_user_service\n\nasync def read_user(db, user_id):\n    return await async_user_service.get_user_async(db, user_id)',
    useInstead: 'from app.services.async_user import async_user_service\n\nasync def read_user(db, user_id):\n    return await async_user_service.get_user(db, user_id)',
    limits: [
      'Only receivers known exactly are checked: module-level instances, local `x = Class()` or `x = f()` where `f` is annotated to return the class, classes and workspace modules (also when imported inside the function). `self.x()` (may come from a subclass or mixin) and parameters (may hold a subclass) are not; nor is a member that a workspace subclass of the receiver\'s class defines (a factory declared `-> Base` returns one of its subclasses).',
      'Annotations are read as types: `Optional[X]`, `X | None`, `Annotated[X, …]` and `"X"` are X; a container of X (`list[X]`, `Dict[str, X]`, `Sequence[X]`, `tuple[X, …]`) is not an X, so its own methods (`.values()`, `.append()`) are never reported.',
      'Every module-level definition counts, in any Python syntax: PEP 695 `type X[T] = …` aliases (also when the grammar cannot parse a newer form such as a type parameter default: a `type X` line still defines X), generic classes and functions (`class Repo[T]:`), and members inherited through a subscripted base (`class UserRepository(AsyncBaseRepository[User, UserCreate, UserUpdate])`; `Generic[T]` and `Protocol` bases add no members).',
      'Silent when members may be created dynamically: a base class outside the workspace, `__getattr__`/`__getattribute__`, a metaclass, a class decorator other than dataclass-like ones, `setattr(self, …)`, attributes assigned on `self` anywhere in the class; for modules, star imports, a module `__getattr__` or `globals()` tricks; and files with syntax errors.',
      'The fix renames to the twin name when the wrong name is a twin pattern of an existing one (`get_user_async` → `get_user`, `user_service` → `async_user_service`: safe), else to the unique existing name within edit distance 2 (unsafe). When the member exists only on the sync twin, no rename can help: the message says the async twin lacks it.',
      'A call is renamed only to a member it fits: an awaited call to an `async def` (never to a plain `def`, and not while it passes a sync `Session`), an unawaited call to a plain `def` or a class, and the call\'s arguments must bind to the member\'s parameters (positional, keyword, defaults, `*args`/`**kwargs`; a call unpacking `*xs`/`**kw` cannot be checked). When the closest name does not fit, the message names it and says why, and there is no fix.',
    ],
  },
  // Calls are judged per definition; imports (whose fix renames uses across the module) per file.
  locality: 'definition',
  check: checkCalls,
  checkFile: checkImports,
};
