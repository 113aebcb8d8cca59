// Dependency analysis of one endpoint: the workspace functions it calls (bounded transitive
// walk across files), whether each sync one has an async twin, the external SDKs reached
// (directly or through services), DB and Redis usage, and the open findings in all of that.
import type { AsyncMigrateConfig } from '../config';
import { analyzeFile, parseSource } from '../engine';
import type { Node } from '../parser';
import { FileFacts } from '../semantics';
import type { SourceFile } from '../source';
import type { ClassSummary } from '../summary';
import { dottedName, isAwaited, walk } from '../syntax';
import type { Finding } from '../types';
import { twinHolderCandidates, twinMethodNames } from '../twin-names';
import type { ResolvedSymbol, WorkspaceIndex } from '../workspace';
import type { EndpointDependencies, SdkUsage, ServiceDependency } from './types';

export const DEFAULT_MAX_DEPTH = 3;

/** Findings that describe the inventory itself rather than work inside an endpoint. */
const NOT_ENDPOINT_WORK = new Set(['AM701', 'AM702']);

const SESSION_QUERY_METHODS = new Set(['execute', 'scalars', 'scalar', 'get', 'stream', 'stream_scalars']);
const SESSIONISH = /^(self\.)?(db|session|sess|db_session|async_session|async_db|s)$/;

interface ParsedFile {
  file: SourceFile;
  facts: FileFacts;
}

export interface FunctionRef {
  path: string;
  module: string;
  /** Offset of the function's name identifier. */
  nameStart: number;
}

interface CallSite {
  target: ResolvedSymbol & { kind: 'function' | 'method' };
  /** Written callee, shortened to its last two parts. */
  written: string;
  objectSymbol?: ResolvedSymbol;
  awaited: boolean;
  line: number;
}

/** What one function does by itself (not what its callees do). */
export interface FunctionAnalysis {
  path: string;
  module: string;
  start: number;
  end: number;
  line: number;
  isAsync: boolean;
  calls: CallSite[];
  sdkCalls: { name: string; call: string; line: number }[];
  legacyQueries: number;
  modernQueries: number;
  redisCalls: number;
  redisFlavors: Set<'sync' | 'async'>;
  sessionParams: Set<'sync' | 'async'>;
}

/**
 * Parses files on demand and keeps per-file findings for one index generation, so an inventory
 * over hundreds of endpoints analyses each involved file once. Call dispose() when done with
 * the trees (findings stay cached until the index changes).
 */
export class AnalysisCache {
  private parsed = new Map<string, ParsedFile | null>();
  private findingsByPath = new Map<string, Finding[]>();
  private functions = new Map<string, FunctionAnalysis | null>();
  private generation = -1;

  constructor(
    readonly index: WorkspaceIndex,
    readonly config: AsyncMigrateConfig,
    private readonly getText: (path: string) => string | undefined,
  ) {}

  /** Drops everything computed for an older index generation. */
  sync(): void {
    if (this.generation !== this.index.generation) {
      this.dispose();
      this.findingsByPath.clear();
      this.functions.clear();
      this.generation = this.index.generation;
    }
  }

  parsedFile(path: string): ParsedFile | undefined {
    let entry = this.parsed.get(path);
    if (entry === undefined) {
      const text = this.getText(path);
      if (text === undefined) entry = null;
      else {
        const { file } = parseSource(path, text, this.config);
        entry = { file, facts: new FileFacts(file, this.index, this.config) };
      }
      this.parsed.set(path, entry);
    }
    return entry ?? undefined;
  }

  findings(path: string): Finding[] {
    let list = this.findingsByPath.get(path);
    if (!list) {
      const parsed = this.parsedFile(path);
      list = parsed ? analyzeFile(parsed.file, this.index, this.config).filter((f) => !NOT_ENDPOINT_WORK.has(f.code)) : [];
      this.findingsByPath.set(path, list);
    }
    return list;
  }

  /** Frees the parse trees (wasm memory); findings and function facts are kept. */
  dispose(): void {
    for (const p of this.parsed.values()) p?.file.dispose();
    this.parsed.clear();
  }

  functionAnalysis(ref: FunctionRef): FunctionAnalysis | undefined {
    const key = `${ref.path}:${ref.nameStart}`;
    if (this.functions.has(key)) return this.functions.get(key) ?? undefined;
    const parsed = this.parsedFile(ref.path);
    const name = parsed?.file.root.descendantForIndex(ref.nameStart);
    const fn = name?.parent?.type === 'function_definition' ? name.parent : undefined;
    const result = parsed && fn ? analyzeFunction(parsed, fn, this.config) : undefined;
    this.functions.set(key, result ?? null);
    return result;
  }
}

function sdkFor(dotted: string, config: AsyncMigrateConfig): string | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(config.externalSdks)) {
    if ((dotted === prefix || dotted.startsWith(prefix + '.')) && (!best || prefix.length > best.length)) best = prefix;
  }
  if (!best) return undefined;
  const name = config.externalSdks[best];
  if (/^auth0(\.v\d+)?\.management(\.|$)/.test(dotted) && !/management/i.test(name)) return `${name} Management`;
  return name;
}

function shortName(written: string): string {
  return written.split('.').slice(-2).join('.');
}

function analyzeFunction(parsed: ParsedFile, fn: Node, config: AsyncMigrateConfig): FunctionAnalysis {
  const { file, facts } = parsed;
  const index = facts.index;
  const fnFacts = facts.functionFacts(fn);
  const outer = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  const result: FunctionAnalysis = {
    path: file.path,
    module: file.moduleName,
    start: outer.startIndex,
    end: fn.endIndex,
    line: fn.startPosition.row + 1,
    isAsync: fnFacts.isAsync,
    calls: [],
    sdkCalls: [],
    legacyQueries: 0,
    modernQueries: 0,
    redisCalls: 0,
    redisFlavors: new Set(),
    sessionParams: new Set(),
  };
  for (const param of fnFacts.params.values()) {
    const id = param.node.type === 'identifier' ? param.node : param.node.descendantsOfType('identifier')[0];
    if (!id) continue;
    const flavor = facts.sessionFlavor(id);
    if (flavor) result.sessionParams.add(flavor);
    else {
      const redis = facts.redisFlavor(id);
      if (redis) result.redisFlavors.add(redis);
    }
  }
  let selectCalls = 0;
  let sessionCalls = 0;
  const body = fn.childForFieldName('body');
  if (!body) return result;
  walk(body, (call) => {
    if (call.type !== 'call') return;
    const callee = call.childForFieldName('function');
    if (!callee) return;
    const written = dottedName(callee);
    const line = call.startPosition.row + 1;
    const awaited = isAwaited(call);
    // self.method(...) inside a class: the class's own (or inherited) method.
    if (written && /^self\.[A-Za-z_]\w*$/.test(written) && fnFacts.classNode) {
      const className = fnFacts.classNode.childForFieldName('name')?.text;
      const cls = className ? index.module(file.moduleName)?.classes[className] : undefined;
      const found = cls ? index.findMethod(file.moduleName, cls, written.slice(5)) : undefined;
      if (found) {
        result.calls.push({ target: { kind: 'method', module: found.module, className: found.className, name: written.slice(5), fn: found.fn, viaInstance: true }, written, awaited, line });
        return;
      }
    }
    const sym = written ? facts.resolve(callee) : undefined;
    if (sym?.kind === 'function' || sym?.kind === 'method') {
      const objectNode = callee.type === 'attribute' ? callee.childForFieldName('object') : null;
      result.calls.push({ target: sym, written: shortName(written!), objectSymbol: objectNode ? facts.resolve(objectNode) : undefined, awaited, line });
      return;
    }
    let external: string | undefined;
    if (sym?.kind === 'external') external = sym.dotted;
    else if (sym?.kind === 'variable' && sym.variable.callee) {
      // `client = StreamChat(...)` at module level, then `client.upsert_user(...)`.
      const ctor = index.resolveDotted(sym.module, sym.variable.callee);
      if (ctor?.kind === 'external') external = `${ctor.dotted}.${written!.split('.').slice(1).join('.')}`.replace(/\.$/, '');
    }
    if (external) {
      const sdk = sdkFor(external, config);
      if (sdk) result.sdkCalls.push({ name: sdk, call: external, line });
      if (/^sqlalchemy(\.future|\.sql|\.sql\.expression)?\.select$/.test(external)) selectCalls++;
    } else if (written === 'select') selectCalls++;
    if (callee.type !== 'attribute') return;
    const object = callee.childForFieldName('object')!;
    const attr = callee.childForFieldName('attribute')!.text;
    const redis = object.type === 'identifier' || object.type === 'attribute' ? facts.redisFlavor(object) : undefined;
    if (redis || /(^|[._])a?redis(_client)?$/i.test(object.text)) {
      result.redisCalls++;
      if (redis) result.redisFlavors.add(redis);
      return;
    }
    const session = object.type === 'identifier' || object.type === 'attribute' ? facts.sessionFlavor(object) : undefined;
    const sessionLike = !!session || SESSIONISH.test(object.text);
    if (attr === 'query' && sessionLike) result.legacyQueries++;
    else if (SESSION_QUERY_METHODS.has(attr) && sessionLike) sessionCalls++;
  });
  result.modernQueries = Math.max(selectCalls, sessionCalls);
  return result;
}

function roleOf(qualified: string, written: string, local: boolean): ServiceDependency['role'] {
  if (local) return 'helper';
  const text = `${qualified} ${written}`.toLowerCase();
  if (/repositor(y|ies)|(^|[._])repos?([._]|$)|crud|dao([._]|$)/.test(text)) return 'repository';
  if (/service/.test(text)) return 'service';
  return 'helper';
}

function qualifiedOf(sym: ResolvedSymbol & { kind: 'function' | 'method' }): string {
  return sym.kind === 'function' ? `${sym.module}.${sym.name}` : `${sym.module}.${sym.className}.${sym.name}`;
}

/** The async counterpart of a sync workspace callee, following the configured twin patterns. */
export function findAsyncTwin(index: WorkspaceIndex, call: CallSite): ServiceDependency['twin'] | undefined {
  const sym = call.target;
  // In a twin holder the method keeps its name or follows `method-patterns`; beside the sync one, only the latter.
  const methodNames = [sym.name, ...twinMethodNames(index, sym.name)];
  const pathOf = (module: string) => index.module(module)?.path ?? '';
  const asyncMethod = (module: string, cls: ClassSummary) => {
    for (const m of methodNames) {
      const found = index.findMethod(module, cls, m);
      if (found?.fn.isAsync) return { found, m };
    }
    return undefined;
  };
  if (sym.kind === 'function') {
    for (const { module, name } of twinHolderCandidates(index, sym.module, sym.name, 'function')) {
      const candidate = index.resolveName(module, name);
      if (candidate?.kind === 'function' && candidate.fn.isAsync && !(candidate.module === sym.module && candidate.name === sym.name)) {
        return { name: candidate.name, qualified: `${candidate.module}.${candidate.name}`, path: pathOf(candidate.module), line: candidate.fn.line };
      }
    }
    return undefined;
  }
  const object = call.objectSymbol;
  if (object?.kind === 'instance') {
    for (const { module, name } of [{ module: object.module, name: object.name }, ...twinHolderCandidates(index, object.module, object.name, 'instance')]) {
      const candidate = index.resolveName(module, name);
      if (candidate?.kind !== 'instance') continue;
      const hit = asyncMethod(candidate.classModule, candidate.cls);
      if (hit) return { name: `${candidate.name}.${hit.m}`, qualified: `${hit.found.module}.${hit.found.className}.${hit.m}`, path: pathOf(hit.found.module), line: hit.found.fn.line };
    }
  }
  // Through the class: a method twin beside it, AsyncUserService next to UserService, or in the twin module.
  for (const { module, name } of [{ module: sym.module, name: sym.className }, ...twinHolderCandidates(index, sym.module, sym.className, 'class')]) {
    const candidate = index.resolveName(module, name);
    if (candidate?.kind !== 'class') continue;
    const hit = asyncMethod(candidate.module, candidate.cls);
    if (hit) return { name: `${candidate.name}.${hit.m}`, qualified: `${hit.found.module}.${hit.found.className}.${hit.m}`, path: pathOf(hit.found.module), line: hit.found.fn.line };
  }
  return undefined;
}

export interface EndpointAnalysis {
  dependencies: EndpointDependencies;
  findings: Finding[];
  /** Every function involved (handler first), for attribution and "jump to". */
  functions: FunctionAnalysis[];
}

function refOf(index: WorkspaceIndex, sym: ResolvedSymbol & { kind: 'function' | 'method' }): FunctionRef | undefined {
  const mod = index.module(sym.module);
  return mod ? { path: mod.path, module: mod.moduleName, nameStart: sym.fn.nameStart } : undefined;
}

/** Analyses a handler and what it calls, up to maxDepth levels of workspace calls. */
export function analyzeEndpoint(cache: AnalysisCache, handler: FunctionRef, maxDepth = DEFAULT_MAX_DEPTH): EndpointAnalysis {
  const index = cache.index;
  const root = cache.functionAnalysis(handler);
  const empty: EndpointDependencies = { services: [], externalSdks: [], db: { legacyQueries: 0, modernQueries: 0, sessions: [] }, redis: { calls: 0, flavors: [] } };
  if (!root) return { dependencies: empty, findings: [], functions: [] };
  const services = new Map<string, ServiceDependency>();
  const analyses = new Map<string, FunctionAnalysis>();
  const children = new Map<string, string[]>();
  const sdks: SdkUsage[] = [];
  const functions: FunctionAnalysis[] = [root];
  const sdkSeen = new Set<string>();
  const addSdks = (fa: FunctionAnalysis, direct: boolean) => {
    for (const s of fa.sdkCalls) {
      const key = `${s.name}|${fa.module}`;
      if (sdkSeen.has(key)) continue;
      sdkSeen.add(key);
      sdks.push({ name: s.name, call: s.call, viaModule: fa.module, direct, path: fa.path, line: s.line });
    }
  };
  addSdks(root, true);
  let frontier: { fa: FunctionAnalysis; key: string }[] = [{ fa: root, key: '<handler>' }];
  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
    const next: typeof frontier = [];
    for (const { fa, key: parentKey } of frontier) {
      for (const call of fa.calls) {
        const qualified = qualifiedOf(call.target);
        children.set(parentKey, [...(children.get(parentKey) ?? []), qualified]);
        const existing = services.get(qualified);
        const blocking = fa.isAsync && !call.target.fn.isAsync;
        if (existing) {
          if (blocking) existing.blocking = true;
          continue;
        }
        const ref = refOf(index, call.target);
        if (!ref) continue;
        const parentDep = services.get(parentKey);
        const written = call.written.startsWith('self.') && parentDep ? `${parentDep.name.split('.')[0]}.${call.target.name}` : call.written;
        const local = call.target.module === root.module || /^_(?!_)/.test(call.target.name);
        const dep: ServiceDependency = {
          name: written,
          qualified,
          module: call.target.module,
          path: ref.path,
          line: call.target.fn.line,
          isAsync: call.target.fn.isAsync,
          role: roleOf(qualified, written, local),
          depth,
          blocking,
          doesIO: false,
        };
        if (local) dep.local = true;
        if (depth > 1) dep.via = parentDep?.name;
        if (!dep.isAsync) {
          const twin = findAsyncTwin(index, call);
          if (twin) dep.twin = twin;
        }
        services.set(qualified, dep);
        const callee = cache.functionAnalysis(ref);
        if (callee) {
          analyses.set(qualified, callee);
          functions.push(callee);
          addSdks(callee, false);
          next.push({ fa: callee, key: qualified });
        }
      }
    }
    frontier = next;
  }
  // doesIO: the callee (or anything below it that we walked) touches DB, Redis or an SDK.
  const io = new Map<string, boolean>();
  const doesIO = (key: string, seen: Set<string>): boolean => {
    if (io.has(key)) return io.get(key)!;
    if (seen.has(key)) return false;
    seen.add(key);
    const fa = analyses.get(key);
    let value = !!fa && (fa.legacyQueries > 0 || fa.modernQueries > 0 || fa.redisCalls > 0 || fa.sdkCalls.length > 0 || fa.sessionParams.size > 0);
    for (const child of children.get(key) ?? []) if (!value && doesIO(child, seen)) value = true;
    io.set(key, value);
    return value;
  };
  for (const [key, dep] of services) {
    dep.doesIO = doesIO(key, new Set());
    // A sync function that does no IO (key formatting, validation) does not block the loop.
    if (dep.blocking && !dep.doesIO) dep.blocking = false;
  }
  const sessions = new Set<'sync' | 'async'>(root.sessionParams);
  const redisFlavors = new Set<'sync' | 'async'>();
  let legacy = 0;
  let modern = 0;
  let redisCalls = 0;
  for (const fa of functions) {
    legacy += fa.legacyQueries;
    modern += fa.modernQueries;
    redisCalls += fa.redisCalls;
    fa.redisFlavors.forEach((f) => redisFlavors.add(f));
  }
  // Findings inside the handler and inside every walked function, deduplicated.
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const fa of functions) {
    for (const f of cache.findings(fa.path)) {
      if (f.start < fa.start || f.end > fa.end) continue;
      const key = `${f.path}:${f.start}:${f.end}:${f.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  const order = [...services.values()].sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name));
  return {
    dependencies: {
      services: order,
      externalSdks: sdks,
      db: { legacyQueries: legacy, modernQueries: modern, sessions: [...sessions].sort() },
      redis: { calls: redisCalls, flavors: [...redisFlavors].sort() },
    },
    findings,
    functions,
  };
}
