// The workspace index: module summaries keyed by module name, with cross-file resolution of
// imports, module-level instances, classes/methods and sync/async twins.
import type { AsyncMigrateConfig } from './config';
import { moduleNamesOf } from './import-roots';
import { allImportBindings, dynamicImportCovers, importTargets, positionFreeJson, type ClassSummary, type FunctionSummary, type ImportBinding, type ModuleSummary, type VariableKind, type VariableSummary } from './summary';

export type ResolvedSymbol =
  | { kind: 'module'; module: string }
  | { kind: 'function'; module: string; name: string; fn: FunctionSummary }
  | { kind: 'class'; module: string; name: string; cls: ClassSummary }
  | { kind: 'method'; module: string; className: string; name: string; fn: FunctionSummary; viaInstance: boolean }
  | { kind: 'instance'; module: string; name: string; classModule: string; className: string; cls: ClassSummary }
  | { kind: 'variable'; module: string; name: string; variable: VariableSummary; variableKind: VariableKind }
  /** Something outside the workspace, by its canonical dotted name (`redis.asyncio.Redis`, `time.sleep`). */
  | { kind: 'external'; dotted: string };

const MAX_DEPTH = 8;

/** The current text of a workspace file by its workspace-relative path (open editor buffers first). */
export interface SourceTexts {
  textOf(path: string): string | undefined;
}

export function applyPattern(pattern: string, name: string): string {
  const capital = name.charAt(0).toUpperCase() + name.slice(1);
  return pattern.replace(/\{name\}/g, name).replace(/\{Name\}/g, capital);
}

/** Inverse of applyPattern: the {name} that pattern would turn into value, if any. */
export function matchPattern(pattern: string, value: string): string | undefined {
  const hasCapital = pattern.includes('{Name}');
  const [before, after] = pattern.split(hasCapital ? '{Name}' : '{name}');
  if (after === undefined) return undefined;
  if (!value.startsWith(before) || !value.endsWith(after) || value.length <= before.length + after.length) return undefined;
  const core = value.slice(before.length, value.length - after.length);
  return hasCapital ? core.charAt(0).toLowerCase() + core.slice(1) : core;
}

interface ResolutionMemo {
  generation: number;
  config: AsyncMigrateConfig | undefined;
  names: Map<string, ResolvedSymbol | undefined>;
  dotted: Map<string, ResolvedSymbol | undefined>;
  importers?: Map<string, { module: ModuleSummary; binding: ImportBinding }[]>;
  dynamicImporters?: { module: ModuleSummary; binding: ImportBinding }[];
}

function emptyMemo(generation: number, config: AsyncMigrateConfig | undefined): ResolutionMemo {
  return { generation, config, names: new Map(), dotted: new Map() };
}

const signatures = new WeakMap<ModuleSummary, string>();
const restJsons = new WeakMap<ModuleSummary, string>();

/** The position-free JSON of a summary but its definitions (computed once per summary). */
function restJson(summary: ModuleSummary): string {
  let json = restJsons.get(summary);
  if (json === undefined) {
    const { functions: _functions, classes: _classes, ...rest } = summary;
    restJsons.set(summary, (json = positionFreeJson(rest)));
  }
  return json;
}

/**
 * A summary's JSON without positions (computed once per summary): equal signatures mean
 * dependents see no difference. Definitions are taken one by one (positionFreeJson caches each),
 * so the summary of a keystroke, which reuses all but the edited definition, costs little.
 */
export function summarySignature(summary: ModuleSummary): string {
  let signature = signatures.get(summary);
  if (signature === undefined) {
    const parts = [restJson(summary)];
    for (const [name, f] of Object.entries(summary.functions)) parts.push(`def ${name} ${positionFreeJson(f)}`);
    for (const [name, c] of Object.entries(summary.classes)) parts.push(`class ${name} ${positionFreeJson(c)}`);
    signature = parts.join('\n');
    signatures.set(summary, signature);
  }
  return signature;
}

/**
 * summarySignature(a) === summarySignature(b) without building the signatures: the definitions
 * compared one by one, most by reference (a definition a keystroke did not touch keeps its JSON
 * string: summary.ts movePart), so a keystroke costs its edited definition and the rest's JSON.
 */
export function sameSummarySignature(a: ModuleSummary, b: ModuleSummary): boolean {
  const signatureA = signatures.get(a);
  const signatureB = signatures.get(b);
  if (signatureA !== undefined && signatureB !== undefined) return signatureA === signatureB;
  if (restJson(a) !== restJson(b)) return false;
  const sameDefinitions = (x: Record<string, object>, y: Record<string, object>): boolean => {
    const keysX = Object.keys(x);
    const keysY = Object.keys(y);
    if (keysX.length !== keysY.length) return false;
    for (let i = 0; i < keysX.length; i++) if (keysX[i] !== keysY[i] || positionFreeJson(x[keysX[i]]) !== positionFreeJson(y[keysY[i]])) return false;
    return true;
  };
  return sameDefinitions(a.functions, b.functions) && sameDefinitions(a.classes, b.classes);
}

/** Whether a canonical callee creates an async or a sync Redis client (one list for every caller). */
export function redisClientFlavor(dotted: string): 'async' | 'sync' | undefined {
  if (/^(redis\.asyncio|aioredis)\.([A-Za-z]*Redis|from_url|Redis\.from_url|StrictRedis)$/.test(dotted)) return 'async';
  if (/^redis\.(Redis|StrictRedis|from_url|Redis\.from_url|StrictRedis\.from_url|client\.Redis)$/.test(dotted)) return 'sync';
  // django-redis hands out the raw redis-py client.
  if (dotted === 'django_redis.get_redis_connection') return 'sync';
  return undefined;
}

/** One name a file is registered under: its own name (primary) or an alias from another root. */
interface NameEntry {
  summary: ModuleSummary;
  primary: boolean;
  /** The file's import root (its project). */
  root: string;
}

/** The modules of a workspace, shared by the per-project views of one WorkspaceIndex. */
class ModuleTable {
  readonly byPath = new Map<string, ModuleSummary>();
  /** Every file registered under a module name, in registration order (first wins a tie, like Python's). */
  readonly byName = new Map<string, NameEntry[]>();
  /** The names (primary first) and root each path is registered under. */
  readonly namesOf = new Map<string, { root: string; names: string[] }>();
  readonly views = new Map<string, WorkspaceIndex>();
  generation = 0;
  contentGeneration = 0;
  /** How many of contentGeneration's bumps each path made (contentGenerationOutside). */
  readonly contentChanges = new Map<string, number>();
  sources: SourceTexts | undefined;

  constructor(public config: AsyncMigrateConfig) {}

  register(summary: ModuleSummary): void {
    const computed = moduleNamesOf(summary.path, this.config);
    // A summary parsed under other roots than the index's keeps its own name and no aliases.
    const root = computed.moduleName === summary.moduleName ? computed.root : '';
    const names = [summary.moduleName, ...(computed.moduleName === summary.moduleName ? computed.aliases : [])];
    const previous = this.namesOf.get(summary.path);
    if (previous && previous.root === root && previous.names.join('\0') === names.join('\0')) {
      // Same names: replace in place so the file keeps its rank among files of the same name.
      for (const name of names) for (const entry of this.byName.get(name) ?? []) if (entry.summary.path === summary.path) entry.summary = summary;
      return;
    }
    if (previous) this.unregister(summary.path);
    this.namesOf.set(summary.path, { root, names });
    names.forEach((name, i) => {
      const list = this.byName.get(name);
      const entry = { summary, primary: i === 0, root };
      if (list) list.push(entry);
      else this.byName.set(name, [entry]);
    });
  }

  unregister(path: string): void {
    const previous = this.namesOf.get(path);
    if (!previous) return;
    this.namesOf.delete(path);
    for (const name of previous.names) {
      const list = this.byName.get(name)?.filter((e) => e.summary.path !== path);
      if (list?.length) this.byName.set(name, list);
      else this.byName.delete(name);
    }
  }

  /**
   * The file a module name means for code in project root: its own project's (a file's own name
   * before an alias, then the first registered); else another project's, when only one project
   * has it — a name that several other projects define is ambiguous, so unresolved (silent).
   */
  lookup(name: string, root: string): ModuleSummary | undefined {
    const entries = this.byName.get(name);
    if (!entries) return undefined;
    let best: NameEntry | undefined;
    let bestScore = -1;
    for (const entry of entries) {
      const score = (entry.root === root ? 2 : 0) + (entry.primary ? 1 : 0);
      if (score > bestScore) {
        best = entry;
        bestScore = score;
      }
    }
    if (best && best.root !== root && entries.some((e) => e.root !== best!.root)) return undefined;
    return best?.summary;
  }
}

/**
 * Module summaries by name with cross-file resolution. One workspace folder may hold several
 * Python projects (import-roots.ts) that define the same module names; an index is a view from
 * one project (forFile), where a name means that project's module first. Views share the modules.
 */
export class WorkspaceIndex {
  private readonly table: ModuleTable;
  /** Answers of top-level resolveName/resolveDotted and importersOf, valid for one generation and config. */
  private memo: ResolutionMemo = emptyMemo(-1, undefined);

  constructor(
    config: AsyncMigrateConfig,
    table?: ModuleTable,
    /** The project (import root) this view resolves from. */
    readonly root = '',
  ) {
    this.table = table ?? new ModuleTable(config);
    if (!table) this.table.views.set(root, this);
  }

  get config(): AsyncMigrateConfig {
    return this.table.config;
  }

  set config(config: AsyncMigrateConfig) {
    this.table.config = config;
  }

  /** Bumped on every change, so caches keyed on it invalidate. */
  get generation(): number {
    return this.table.generation;
  }

  /**
   * Bumped when what the index holds changes other than by positions (a module added, removed,
   * renamed, or re-upserted with another summarySignature): for caches of position-free facts
   * (names, async-ness, twins), which then survive the re-summary of every keystroke.
   */
  get contentGeneration(): number {
    return this.table.contentGeneration;
  }

  /**
   * The texts of the workspace's files, when the host (CLI, language server) supplies them: a fix
   * that must also edit other files (fixes/other-files.ts) is built only with them.
   */
  get sources(): SourceTexts | undefined {
    return this.table.sources;
  }

  set sources(sources: SourceTexts | undefined) {
    this.table.sources = sources;
  }

  /** The view that resolves names as code in the file at path sees them (its own project first). */
  forFile(path: string): WorkspaceIndex {
    const root = this.table.namesOf.get(path)?.root ?? moduleNamesOf(path, this.config).root;
    return this.forRoot(root);
  }

  private forRoot(root: string): WorkspaceIndex {
    let view = this.table.views.get(root);
    if (!view) this.table.views.set(root, (view = new WorkspaceIndex(this.config, this.table, root)));
    return view;
  }

  private currentMemo(): ResolutionMemo {
    if (this.memo.generation !== this.generation || this.memo.config !== this.config) this.memo = emptyMemo(this.generation, this.config);
    return this.memo;
  }

  private has(moduleName: string): boolean {
    return this.table.lookup(moduleName, this.root) !== undefined;
  }

  upsert(summary: ModuleSummary): void {
    const table = this.table;
    const previous = table.byPath.get(summary.path);
    table.byPath.set(summary.path, summary);
    table.register(summary);
    table.generation++;
    if (!previous || previous.moduleName !== summary.moduleName || !sameSummarySignature(previous, summary)) this.bumpContent(summary.path);
  }

  private bumpContent(path: string): void {
    this.table.contentGeneration++;
    this.table.contentChanges.set(path, (this.table.contentChanges.get(path) ?? 0) + 1);
  }

  /**
   * contentGeneration without the bumps made by the file at path: unchanged while only that file's
   * summary changed (the incremental analysis of that file then diffs its summary: incremental.ts).
   */
  contentGenerationOutside(path: string): number {
    return this.table.contentGeneration - (this.table.contentChanges.get(path) ?? 0);
  }

  remove(path: string): void {
    const table = this.table;
    if (!table.byPath.has(path)) return;
    table.byPath.delete(path);
    table.unregister(path);
    table.generation++;
    this.bumpContent(path);
  }

  module(moduleName: string): ModuleSummary | undefined {
    return this.table.lookup(moduleName, this.root);
  }

  fileByPath(path: string): ModuleSummary | undefined {
    return this.table.byPath.get(path);
  }

  /** Every name the file at path is importable under (its own first). */
  namesOfFile(path: string): string[] {
    return this.table.namesOf.get(path)?.names ?? [];
  }

  /** A module's identifier across projects: its name, or its path when several projects' files have that name. */
  moduleKey(summary: ModuleSummary): string {
    const primaries = (this.table.byName.get(summary.moduleName) ?? []).filter((e) => e.primary);
    return primaries.length > 1 ? summary.path : summary.moduleName;
  }

  modules(): ModuleSummary[] {
    return [...this.table.byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  get size(): number {
    return this.table.byPath.size;
  }

  /** Resolves a name bound at module level in moduleName. */
  resolveName(moduleName: string, local: string, depth = 0): ResolvedSymbol | undefined {
    if (depth !== 0) return this.resolveNameUncached(moduleName, local, depth);
    const memo = this.currentMemo().names;
    const key = `${moduleName}\0${local}`;
    let sym = memo.get(key);
    if (sym === undefined && !memo.has(key)) memo.set(key, (sym = this.resolveNameUncached(moduleName, local, 0)));
    return sym;
  }

  private resolveNameUncached(moduleName: string, local: string, depth: number): ResolvedSymbol | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const mod = this.module(moduleName);
    if (!mod) return undefined;
    if (mod.functions[local]) return { kind: 'function', module: moduleName, name: local, fn: mod.functions[local] };
    if (mod.classes[local]) return { kind: 'class', module: moduleName, name: local, cls: mod.classes[local] };
    // Imports after definitions: a later import rebinds, but definitions are far more common; keep it simple.
    let binding: ImportBinding | undefined;
    for (let i = mod.imports.length - 1; i >= 0 && !binding; i--) if (mod.imports[i].local === local) binding = mod.imports[i];
    if (binding) return this.resolveBinding(binding, depth);
    const variable = mod.variables[local];
    if (variable) return this.resolveVariable(moduleName, variable, depth);
    // `from .patients import *` (a package re-exporting its modules): the public names, or `__all__`.
    for (const star of [...(mod.starImports ?? [])].reverse()) {
      const target = this.module(star.module);
      if (!target || !(target.exports ? target.exports.includes(local) : !local.startsWith('_'))) continue;
      const sym = this.resolveName(star.module, local, depth + 1);
      if (sym) return sym;
    }
    return undefined;
  }

  /** The names `from <module> import *` binds: `__all__`, else every public module-level name. */
  private starExported(moduleName: string): string[] {
    const mod = this.module(moduleName);
    if (!mod) return [];
    return mod.exports ?? (mod.definedNames ?? [...Object.keys(mod.functions), ...Object.keys(mod.classes), ...Object.keys(mod.variables)]).filter((n) => !n.startsWith('_'));
  }

  resolveBinding(binding: ImportBinding, depth = 0): ResolvedSymbol | undefined {
    if (binding.name === undefined) {
      return this.has(binding.module) ? { kind: 'module', module: binding.module } : { kind: 'external', dotted: binding.module };
    }
    if (this.has(binding.module)) {
      const inner = this.resolveName(binding.module, binding.name, depth + 1);
      if (inner) return inner;
      const sub = `${binding.module}.${binding.name}`;
      if (this.has(sub)) return { kind: 'module', module: sub };
      return undefined;
    }
    const sub = `${binding.module}.${binding.name}`;
    if (this.has(sub)) return { kind: 'module', module: sub };
    return { kind: 'external', dotted: sub };
  }

  private resolveVariable(moduleName: string, variable: VariableSummary, depth: number): ResolvedSymbol {
    if (variable.aliasOf) {
      const target = this.resolveDotted(moduleName, variable.aliasOf, depth + 1);
      if (target) return target;
    }
    if (variable.callee) {
      const callee = this.resolveDotted(moduleName, variable.callee, depth + 1);
      if (callee?.kind === 'class') {
        return { kind: 'instance', module: moduleName, name: variable.name, classModule: callee.module, className: callee.name, cls: callee.cls };
      }
    }
    return { kind: 'variable', module: moduleName, name: variable.name, variable, variableKind: this.variableKind(moduleName, variable, depth) };
  }

  /** Resolves `a.b.c` as written in moduleName (do not mutate the answer: it is shared). */
  resolveDotted(moduleName: string, dotted: string, depth = 0): ResolvedSymbol | undefined {
    if (depth !== 0) return this.resolveDottedUncached(moduleName, dotted, depth);
    const memo = this.currentMemo().dotted;
    const key = `${moduleName}\0${dotted}`;
    let sym = memo.get(key);
    if (sym === undefined && !memo.has(key)) memo.set(key, (sym = this.resolveDottedUncached(moduleName, dotted, 0)));
    return sym;
  }

  private resolveDottedUncached(moduleName: string, dotted: string, depth: number): ResolvedSymbol | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const parts = dotted.split('.');
    const mod = this.module(moduleName);
    // `import a.b.c` binds the full dotted module too; prefer the longest such binding.
    if (mod && parts.length > 1) {
      for (let n = parts.length; n > 1; n--) {
        const prefix = parts.slice(0, n).join('.');
        const binding = mod.imports.find((b) => b.local === prefix && b.name === undefined);
        if (binding) {
          let sym = this.resolveBinding(binding, depth);
          for (const part of parts.slice(n)) sym = sym && this.member(sym, part, depth);
          return sym;
        }
      }
    }
    let sym = this.resolveName(moduleName, parts[0], depth);
    for (const part of parts.slice(1)) sym = sym && this.member(sym, part, depth);
    return sym;
  }

  /**
   * Resolves `a.b.c` through one scope's import bindings (a function's own imports): the longest
   * `import a.b` binding that prefixes it, else the binding of `a`; undefined when none binds it.
   */
  resolveThroughImports(bindings: readonly ImportBinding[], dotted: string): ResolvedSymbol | undefined {
    const parts = dotted.split('.');
    for (let n = parts.length; n >= 1; n--) {
      const prefix = parts.slice(0, n).join('.');
      const binding = bindings.filter((b) => b.local === prefix && (n === 1 || b.name === undefined)).at(-1);
      if (!binding) continue;
      let sym = this.resolveBinding(binding);
      for (const part of parts.slice(n)) sym = sym && this.member(sym, part);
      return sym;
    }
    return undefined;
  }

  /** Attribute access on a resolved symbol. */
  member(sym: ResolvedSymbol, attr: string, depth = 0): ResolvedSymbol | undefined {
    switch (sym.kind) {
      case 'module': {
        const inner = this.resolveName(sym.module, attr, depth + 1);
        if (inner) return inner;
        const sub = `${sym.module}.${attr}`;
        return this.has(sub) ? { kind: 'module', module: sub } : undefined;
      }
      case 'external':
        return { kind: 'external', dotted: `${sym.dotted}.${attr}` };
      case 'class': {
        const found = this.findMethod(sym.module, sym.cls, attr, depth);
        return found && { kind: 'method', module: found.module, className: found.className, name: attr, fn: found.fn, viaInstance: false };
      }
      case 'instance': {
        const found = this.findMethod(sym.classModule, sym.cls, attr, depth);
        if (found) return { kind: 'method', module: found.module, className: found.className, name: attr, fn: found.fn, viaInstance: true };
        return this.attributeInstance(sym, attr, depth);
      }
      default:
        return undefined;
    }
  }

  /** `svc.repo` where svc's class (or a base) does `self.repo = OrderRepository(…)`: an instance of it. */
  private attributeInstance(owner: Extract<ResolvedSymbol, { kind: 'instance' }>, attr: string, depth: number): ResolvedSymbol | undefined {
    if (depth > MAX_DEPTH) return undefined;
    let module = owner.classModule;
    let cls: ClassSummary | undefined = owner.cls;
    for (let level = 0; cls && level < MAX_DEPTH; level++) {
      const source = cls.attributeSources?.[attr];
      if (source?.startsWith('call:')) {
        const made = this.resolveDotted(module, source.slice(5), depth + 1);
        return made?.kind === 'class' ? { kind: 'instance', module: owner.module, name: `${owner.name}.${attr}`, classModule: made.module, className: made.name, cls: made.cls } : undefined;
      }
      if (source || cls.attributes?.includes(attr)) return undefined; // assigned, but not a known class
      const base: ResolvedSymbol | undefined = cls.bases.map((b) => this.resolveDotted(module, b, depth + 1)).find((b): b is ResolvedSymbol => b?.kind === 'class');
      if (base?.kind !== 'class') return undefined;
      module = base.module;
      cls = base.cls;
    }
    return undefined;
  }

  /** A method on a class or its workspace base classes. */
  findMethod(moduleName: string, cls: ClassSummary, name: string, depth = 0): { module: string; className: string; fn: FunctionSummary } | undefined {
    if (cls.methods[name]) return { module: moduleName, className: cls.name, fn: cls.methods[name] };
    if (depth > MAX_DEPTH) return undefined;
    for (const base of cls.bases) {
      const resolved = this.resolveDotted(moduleName, base, depth + 1);
      if (resolved?.kind === 'class') {
        const found = this.findMethod(resolved.module, resolved.cls, name, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** A base that gives a class no members: `object`, `typing.Generic[T]`, `typing.Protocol`. */
  isMemberlessBase(moduleName: string, base: string): boolean {
    if (base === 'object') return true;
    const resolved = this.resolveDotted(moduleName, base);
    return resolved?.kind === 'external' && /^(typing|typing_extensions)\.(Generic|Protocol)$/.test(resolved.dotted);
  }

  /** True when a class or any of its bases could not be resolved (members may exist we cannot see). */
  hasUnknownBases(moduleName: string, cls: ClassSummary, depth = 0): boolean {
    if (depth > MAX_DEPTH) return true;
    for (const base of cls.bases) {
      if (this.isMemberlessBase(moduleName, base)) continue;
      const resolved = this.resolveDotted(moduleName, base, depth + 1);
      if (resolved?.kind !== 'class') return true;
      if (this.hasUnknownBases(resolved.module, resolved.cls, depth + 1)) return true;
    }
    return false;
  }

  /** What a module-level variable holds, from the call that creates it. */
  variableKind(moduleName: string, variable: VariableSummary, depth = 0): VariableKind {
    const { redis, session } = this.config;
    if (variable.annotation) {
      const ann = variable.annotation;
      if (redis.asyncAnnotations.some((a) => ann === a || (ann.endsWith('.' + a.split('.').pop()!) && a.includes('asyncio')))) return 'asyncRedis';
    }
    if (redis.asyncNames.includes(variable.name)) return 'asyncRedis';
    if (redis.syncNames.includes(variable.name)) return 'syncRedis';
    if (!variable.callee) return 'other';
    const resolved = this.resolveDotted(moduleName, variable.callee, depth + 1);
    const dotted = resolved?.kind === 'external' ? resolved.dotted : undefined;
    if (resolved?.kind === 'variable' && resolved.variableKind !== 'other') {
      // `client = pool_client` style aliasing of a known kind.
      return resolved.variableKind;
    }
    const last = variable.callee.split('.').pop()!;
    if (dotted) {
      if (/^(redis\.asyncio|aioredis)(\.|$)/.test(dotted)) return 'asyncRedis';
      if (redisClientFlavor(dotted) === 'sync') return 'syncRedis';
      if (/^sqlalchemy\.ext\.asyncio\.(async_sessionmaker|AsyncSession)$/.test(dotted)) return 'asyncSessionFactory';
      if (/^sqlalchemy\.ext\.asyncio\.create_async_engine$/.test(dotted)) return 'asyncEngine';
      if (/^sqlalchemy(\.orm)?\.sessionmaker$/.test(dotted)) {
        return variable.classKeyword && /AsyncSession$/.test(variable.classKeyword) ? 'asyncSessionFactory' : 'syncSessionFactory';
      }
      if (/^sqlalchemy(\.orm)?\.(scoped_session|Session)$/.test(dotted)) return 'syncSessionFactory';
      if (/^sqlalchemy\.create_engine$/.test(dotted)) return 'syncEngine';
      if (/^(httpx\.AsyncClient|aiohttp\.ClientSession)$/.test(dotted)) return 'asyncHttpClient';
    }
    if (session.asyncFactories.includes(variable.name) && /sessionmaker$/.test(last)) {
      return variable.classKeyword && /AsyncSession$/.test(variable.classKeyword) ? 'asyncSessionFactory' : 'syncSessionFactory';
    }
    return 'other';
  }

  /** The async twin module of a sync module (app.services.user → app.services.async_user), if present. */
  asyncTwinModule(moduleName: string): string | undefined {
    const parts = moduleName.split('.');
    const last = parts.pop()!;
    for (const pattern of this.config.twins.modulePatterns) {
      const candidate = [...parts, applyPattern(pattern, last)].join('.');
      if (candidate !== moduleName && this.has(candidate)) return candidate;
    }
    return undefined;
  }

  /** The sync twin module of an async module, if present. */
  syncTwinModule(moduleName: string): string | undefined {
    const parts = moduleName.split('.');
    const last = parts.pop()!;
    for (const pattern of this.config.twins.modulePatterns) {
      const base = matchPattern(pattern, last);
      if (base === undefined) continue;
      const candidate = [...parts, base].join('.');
      if (candidate !== moduleName && this.has(candidate)) return candidate;
    }
    return undefined;
  }

  /** Candidate async names for a sync name (user_service → async_user_service, UserService → AsyncUserService). */
  asyncTwinNames(name: string): string[] {
    return this.config.twins.namePatterns.map((p) => applyPattern(p, name)).filter((n) => n !== name);
  }

  /** Whether `name` looks like the async twin of something, and of what. */
  syncNameOf(name: string): string | undefined {
    for (const pattern of this.config.twins.namePatterns) {
      const base = matchPattern(pattern, name);
      if (base) return base;
    }
    return undefined;
  }

  /**
   * Modules importing moduleName, by any binding: import statements at any depth (`nested`),
   * under `if TYPE_CHECKING:` (`via` 'type-checking'), star imports, and module paths named in
   * strings (`via` 'string' / 'dynamic'). Callers that need run-time imports only filter on `via`.
   */
  importersOf(moduleName: string): { module: ModuleSummary; binding: ImportBinding }[] {
    // One pass over every import per generation instead of one per question (linear, not quadratic).
    const memo = this.currentMemo();
    if (!memo.importers) {
      const byTarget = new Map<string, { module: ModuleSummary; binding: ImportBinding }[]>();
      const dynamic: { module: ModuleSummary; binding: ImportBinding }[] = [];
      const add = (target: string, entry: { module: ModuleSummary; binding: ImportBinding }) => {
        const list = byTarget.get(target);
        if (list) {
          if (list[list.length - 1] !== entry) list.push(entry);
        } else byTarget.set(target, [entry]);
      };
      for (const mod of this.table.byPath.values()) {
        for (const binding of allImportBindings(mod)) {
          const entry = { module: mod, binding };
          if (binding.via === 'dynamic') dynamic.push(entry);
          for (const target of importTargets(binding)) add(target, entry);
          // A star import imports the module and every name it exports.
          if (binding.name === '*') for (const name of this.starExported(binding.module)) add(`${binding.module}.${name}`, entry);
        }
      }
      memo.importers = byTarget;
      memo.dynamicImporters = dynamic;
    }
    // A file is imported under any of its names (its own and its aliases from other roots).
    const out = new Set<{ module: ModuleSummary; binding: ImportBinding }>();
    for (const name of this.namesOfTarget(moduleName)) {
      for (const entry of memo.importers.get(name) ?? []) out.add(entry);
      for (const entry of memo.dynamicImporters ?? []) if (dynamicImportCovers(entry.binding, name)) out.add(entry);
    }
    return [...out];
  }

  /** `module` or `module.member` spelled with each name of the module's file (itself first). */
  private namesOfTarget(dotted: string): string[] {
    const own = this.module(dotted);
    if (own) return [dotted, ...this.namesOfFile(own.path).filter((n) => n !== dotted)];
    const dot = dotted.lastIndexOf('.');
    const owner = dot > 0 ? this.module(dotted.slice(0, dot)) : undefined;
    if (!owner) return [dotted];
    const member = dotted.slice(dot);
    return [dotted, ...this.namesOfFile(owner.path).map((n) => n + member).filter((n) => n !== dotted)];
  }

  /** Paths of files that import from the module at path (direct importers). */
  dependentsOf(path: string): string[] {
    const mod = this.table.byPath.get(path);
    if (!mod) return [];
    const names = this.namesOfFile(path).length ? this.namesOfFile(path) : [mod.moduleName];
    const out = new Set<string>();
    const imports = (b: ImportBinding, name: string) => b.module === name || b.module.startsWith(name + '.') || (!!b.name && `${b.module}.${b.name}` === name);
    for (const other of this.table.byPath.values()) {
      if (other.path === path) continue;
      if ([...other.imports, ...(other.starImports ?? []), ...(other.nestedImports ?? [])].some((b) => names.some((name) => imports(b, name)))) out.add(other.path);
    }
    return [...out].sort();
  }
}
