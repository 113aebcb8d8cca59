// "Migrate this endpoint" (spec §2, checklist step 3): one reviewable edit that combines every
// safe fix inside one FastAPI route handler — `def` → `async def`, the session dependency, query
// rewrites, awaits, async twins, blocking calls and (by default) utcnow — and an honest list of
// what it could not do. Pure: the workspace index is left describing the original text.
import type { AsyncMigrateConfig } from './config';
import { resolveRoutes } from './endpoints/routing';
import { fixText, parseSource, summarizeSource, type RunOptions } from './engine';
import { applyEdits, minimalEdit } from './fixes/edits';
import { ensureFromImport } from './fixes/imports';
import { asyncTwinOf, methodTwinOf } from './fixes/twins';
import { resolveCall } from './callee';
import { SET_UP_ASYNC_INFRASTRUCTURE } from './infrastructure/async-dependency';
import type { Node } from './parser';
import type { RouteSummary } from './routes';
import { FileFacts } from './semantics';
import { syntaxErrorCount, type SourceFile } from './source';
import { defKeyword, functionDefinitionAt, isAwaited, walk } from './syntax';
import type { Finding, TextEdit } from './types';
import type { WorkspaceIndex } from './workspace';

export type EndpointTarget = { function: string } | { offset: number };

export interface MigrateOptions extends Pick<RunOptions, 'select' | 'ignore'> {
  /**
   * Include the unsafe AM401 fix (`datetime.utcnow()` → `datetime.now(timezone.utc)`), as the
   * spec's combined edit does. Default true; when false the remaining utcnow calls are listed
   * in notDone. Other unsafe fixes are never part of the combined edit.
   */
  unsafe?: boolean;
}

export interface NotDone {
  message: string;
  /** 1-based line in the resulting text. */
  line: number;
  code?: string;
}

export interface MigrateResult {
  /** The whole file after the migration (the original text when nothing was done). */
  text: string;
  /** One minimal edit turning the original text into `text`; undefined when nothing changes. */
  edit?: TextEdit;
  /** Human-readable lines describing what was changed. */
  applied: string[];
  /** What is left for the developer. */
  notDone: NotDone[];
  /** The handler's function name, when found. */
  handler?: string;
  /** False when the handler was not found or the result was refused (text is then unchanged). */
  ok: boolean;
}

/** Codes whose unsafe fix belongs in the combined edit when options.unsafe is not false. */
const UNSAFE_INCLUDED = new Set(['AM401']);

/**
 * Findings that, left in a migrated handler, mean it is not consistent: a sync session still in
 * use (AM103, and legacy queries AM101 that need an AsyncSession to be rewritten), or code that
 * crashes at run time (a coroutine never awaited, `await` on a sync result, an eager-load gap,
 * a missing member, `await` in a plain def, an unawaited Redis command). Any of them left after the
 * combined edit and the migration changes nothing (PRODUCT.md §1.2: all-or-nothing).
 */
const INCONSISTENT_CODES = new Set(['AM101', 'AM103', 'AM104', 'AM105', 'AM201', 'AM202', 'AM204', 'AM205', 'AM302']);

/** How to get the missing async session dependency (the init-async command adds it). */
const INIT_ASYNC_HINT = `run "${SET_UP_ASYNC_INFRASTRUCTURE}" (\`async-migrate init-async\`, or the editor command asyncMigrate.initAsync), then migrate this endpoint again`;

/** What the developer must do for one inconsistency, in the words of the finding. */
function blockerMessage(f: Finding): string {
  if (f.code === 'AM103' && /no async session dependency/.test(`${f.message} ${f.noFixReason ?? ''}`)) {
    return `AM103 no async session dependency: ${f.message.replace(/; no async session dependency exists yet:.*$/, '')}; ${INIT_ASYNC_HINT}`;
  }
  return `${f.code} ${f.message}${f.noFixReason ? ` (no automatic fix: ${f.noFixReason})` : ''}`;
}

/** The 1-based line in original where snippet (text of the migrated file) appears inside [start, end), else fallback. */
function originalLine(original: string, snippet: string, start: number, end: number, fallback: number): number {
  const at = snippet ? original.slice(start, end).indexOf(snippet) : -1;
  return at >= 0 ? lineOf(original, start + at) : fallback;
}

/** The trees of one migration: each text on the way is parsed once, and all are disposed at the end. */
class Trees {
  private readonly byText = new Map<string, SourceFile>();

  constructor(
    private readonly path: string,
    private readonly config: AsyncMigrateConfig,
  ) {}

  of(text: string): SourceFile {
    let file = this.byText.get(text);
    if (!file) {
      file = parseSource(this.path, text, this.config).file;
      this.byText.set(text, file);
    }
    return file;
  }

  /** Hands the tree of text over to a new owner (fixText disposes the tree it is given). */
  take(text: string): SourceFile | undefined {
    const file = this.byText.get(text);
    this.byText.delete(text);
    return file;
  }

  adopt(file: SourceFile | undefined): void {
    if (file && !this.byText.has(file.text)) this.byText.set(file.text, file);
    else file?.dispose();
  }

  dispose(): void {
    for (const file of this.byText.values()) file.dispose();
    this.byText.clear();
  }
}

function findRoute(routes: RouteSummary[], target: EndpointTarget): RouteSummary | undefined {
  if ('function' in target) return routes.find((r) => r.function === target.function);
  // Innermost handler whose definition (decorators included) contains the offset.
  return routes.filter((r) => r.outerStart <= target.offset && target.offset <= r.end).sort((a, b) => b.outerStart - a.outerStart)[0];
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Migrates the route handler named by target. The returned text/edit are a proposal: nothing is
 * written, and the index is restored to describe `text` (the original) when this returns.
 */
export function migrateEndpoint(
  path: string,
  text: string,
  index: WorkspaceIndex,
  config: AsyncMigrateConfig,
  target: EndpointTarget,
  options: MigrateOptions = {},
): MigrateResult {
  const trees = new Trees(path, config);
  try {
    return migrate(trees, path, text, index, config, target, options);
  } finally {
    trees.dispose();
  }
}

function migrate(trees: Trees, path: string, text: string, index: WorkspaceIndex, config: AsyncMigrateConfig, target: EndpointTarget, options: MigrateOptions): MigrateResult {
  const includeUnsafe = options.unsafe !== false;
  // Names resolve as the handler's own project sees them (a monorepo's two `app` packages).
  index = index.forFile(path);
  const originalFile = trees.of(text);
  const original = { summary: summarizeSource(originalFile), errors: syntaxErrorCount(originalFile.root) };
  const previousSummary = index.fileByPath(path);
  const restoreIndex = () => {
    // Leave the index as the caller had it (the edit is only proposed).
    index.upsert(previousSummary ?? original.summary);
  };
  const route = findRoute(original.summary.routes, target);
  if (!route) {
    const fn = 'function' in target ? target.function : undefined;
    const exists = fn ? !!original.summary.functions[fn] : false;
    const message = fn
      ? exists
        ? `\`${fn}\` is not a FastAPI route handler (no @router.<method>/@app.<method> decorator or add_api_route)`
        : `no function \`${fn}\` in ${path}`
      : 'the cursor is not inside a FastAPI route handler';
    return { text, applied: [], notDone: [{ message, line: 'offset' in target ? lineOf(text, target.offset) : 1 }], ok: false };
  }
  const name = route.function;
  const applied: string[] = [];
  let current = text;

  // 1. def → async def.
  if (!route.isAsync) {
    const fn = functionDefinitionAt(originalFile.root, route.start);
    const kw = fn && defKeyword(fn);
    if (kw) {
      current = text.slice(0, kw.startIndex) + 'async ' + text.slice(kw.startIndex);
      applied.push(`\`def ${name}\` → \`async def ${name}\``);
    }
  }

  // 1b. A sync Redis client dependency becomes the async one (its commands are then awaited
  // by the AM302 fixes below, and async twins receive the client they expect).
  const redisSwitch = switchRedisDependencies(trees.of(current), name, index, config);
  current = redisSwitch.text;
  applied.push(...redisSwitch.applied);

  // 2. Every safe fix inside the handler (plus utcnow), re-locating the handler each pass.
  const handlerRanges = (): { start: number; end: number }[] => {
    const routes = index.fileByPath(path)?.routes.filter((r) => r.function === name) ?? [];
    return routes.map((r) => ({ start: r.start, end: r.end }));
  };
  const inHandler = (f: Finding) => f.path === path && handlerRanges().some((r) => f.start >= r.start && f.end <= r.end);
  const runOptions: RunOptions = { select: options.select, ignore: options.ignore };
  let result;
  try {
    result = fixText(path, current, index, config, {
      ...runOptions,
      endpointMigration: true,
      parsed: trees.take(current),
      keepTree: true,
      unsafe: true,
      filter: (f) => inHandler(f) && !!f.fix && (f.fix.applicability === 'safe' || (includeUnsafe && UNSAFE_INCLUDED.has(f.code))),
    });
  } catch (error) {
    restoreIndex();
    throw error;
  }
  current = result.text;
  trees.adopt(result.tree);
  const byCode = new Map<string, { titles: string[]; rule: string }>();
  for (const f of result.applied) {
    const entry = byCode.get(f.code) ?? { titles: [], rule: f.rule };
    entry.titles.push(f.fix!.title);
    byCode.set(f.code, entry);
  }
  for (const [code, { titles, rule }] of [...byCode.entries()].sort()) {
    const unique = [...new Set(titles)];
    applied.push(`${code} ${rule}: ${unique.length === 1 && titles.length > 1 ? `${unique[0]} (×${titles.length})` : unique.join('; ')}`);
  }

  // 3. Never produce a file that parses worse than before.
  const file = trees.of(current);
  const errorsAfter = syntaxErrorCount(file.root);
  if (errorsAfter > original.errors) {
    restoreIndex();
    return {
      text,
      applied: [],
      notDone: [{ message: `refused: the migrated file would not parse (${plural(errorsAfter - original.errors, 'new syntax error')}); nothing was changed — please report this`, line: route.line }],
      handler: name,
      ok: false,
    };
  }

  // 4. What is left: findings in the handler (fixText analysed the final text, and left its
  // summary in the index), sync services that would receive an AsyncSession. Inconsistencies
  // (the session not switched, a use left unawaited, a sync function handed the AsyncSession)
  // refuse the whole migration: nothing changes and each one says what is missing.
  const notDone: NotDone[] = [];
  const blockers: NotDone[] = [];
  try {
    const range = handlerRanges()[0];
    const remaining = result.remaining.filter((f) => range && f.start >= range.start && f.end <= range.end);
    const atOriginal = (start: number, end: number) => originalLine(text, current.slice(start, end), route.outerStart, route.end, route.line);
    for (const f of remaining) {
      if (INCONSISTENT_CODES.has(f.code)) {
        blockers.push({ message: blockerMessage(f), line: atOriginal(f.start, f.end), code: f.code });
        continue;
      }
      let why = '';
      if (f.noFixReason) why = ` (no automatic fix: ${f.noFixReason})`;
      else if (f.fix?.applicability === 'unsafe') {
        why = UNSAFE_INCLUDED.has(f.code) && !includeUnsafe ? ' (its fix is unsafe and was excluded; include unsafe fixes to apply it)' : ' (its fix is unsafe: review and apply it by hand)';
      } else if (f.fix?.otherFiles?.length) why = ' (its fix also edits other files: apply it as a quick fix or with `async-migrate fix`)';
      else if (f.fix) why = ' (its fix conflicted with another edit; run the migration again)';
      else if (f.suggestions?.length) why = ` (suggestion: ${f.suggestions[0].title})`;
      notDone.push({ message: `${f.code} ${f.message}${why}`, line: f.range.start.line + 1, code: f.code });
    }
    const fnNode = range ? functionDefinitionAt(file.root, range.start) : undefined;
    for (const handoff of fnNode ? syncCallsReceivingSession(file, fnNode, index, config, remaining) : []) {
      blockers.push({ message: handoff.message, line: atOriginal(handoff.start, handoff.end) });
    }
  } finally {
    restoreIndex();
  }
  if (blockers.length) {
    blockers.sort((a, b) => a.line - b.line);
    const summary = `\`${name}\` not migrated, nothing was changed: the handler would not be consistent (${plural(blockers.length, 'problem')} the combined edit cannot solve)`;
    return { text, applied: [], notDone: [{ message: summary, line: route.line }, ...blockers], handler: name, ok: false };
  }
  notDone.sort((a, b) => a.line - b.line);
  const edit = minimalEdit(text, current);
  if (!edit) applied.length = 0;
  return { text: current, edit, applied, notDone, handler: name, ok: true };
}


/**
 * Calls in the handler to workspace `def` functions/methods that are passed the (now async)
 * session: they would run sync ORM code on an AsyncSession.
 */
function syncCallsReceivingSession(file: SourceFile, fn: Node, index: WorkspaceIndex, config: AsyncMigrateConfig, remaining: Finding[]): { message: string; start: number; end: number }[] {
  const facts = new FileFacts(file, index, config);
  const out: { message: string; start: number; end: number }[] = [];
  const body = fn.childForFieldName('body');
  if (!body) return out;
  walk(body, (node) => {
    if (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition') return false;
    if (node.type !== 'call') return;
    // Already explained by a remaining await/twin finding on this call.
    const callee = node.childForFieldName('function');
    if (callee && remaining.some((f) => /^AM2/.test(f.code) && f.start < callee.endIndex && callee.startIndex < f.end)) return;
    if (isAwaited(node)) return;
    const args = node.childForFieldName('arguments');
    const sessionArg = args?.namedChildren.find((a) => {
      const value = a?.type === 'keyword_argument' ? a.childForFieldName('value') : a;
      return value?.type === 'identifier' && facts.sessionFlavor(value) === 'async';
    });
    if (!sessionArg) return;
    const sym = facts.resolve(node.childForFieldName('function'));
    if (!sym || (sym.kind !== 'function' && sym.kind !== 'method') || sym.fn.isAsync) return;
    const modPath = index.module(sym.module)?.path ?? sym.module;
    const written = node.childForFieldName('function')!.text;
    const callable = resolveCall(facts, node);
    const holderTwin = callable && asyncTwinOf(index, callable);
    const methodTwin = callable && !holderTwin ? methodTwinOf(index, callable) : undefined;
    const twin = holderTwin ? `${holderTwin.module}.${holderTwin.name}${holderTwin.className ? `.${callable!.name}` : ''}` : methodTwin ? `${methodTwin.module}.${methodTwin.className}.${methodTwin.name}` : undefined;
    const message = twin
      ? `\`${written}()\` is sync and would now receive an AsyncSession; switch to its async twin \`${twin}\` (awaited)`
      : `\`${written}()\` is sync and would now receive an AsyncSession: migrate ${modPath} first (no async twin found)`;
    out.push({ message, start: node.startIndex, end: node.endIndex });
  });
  return out;
}

export interface EndpointMatch {
  path: string;
  function: string;
  line: number;
  /** "GET /api/v1/users/me" */
  label: string;
}

/**
 * Finds handlers for an endpoint spec: "GET /users/me" (full path, or a suffix of it such as
 * the path without router prefixes), "app/api/users.py:read_me", or a bare function name.
 * Paths in the "file:function" form are workspace-relative.
 */
export function findEndpoints(index: WorkspaceIndex, spec: string): EndpointMatch[] {
  const trimmed = spec.trim();
  const routes = resolveRoutes(index);
  const label = (r: (typeof routes)[number]) => `${r.method} ${r.fullPath}`;
  const toMatch = (list: typeof routes): EndpointMatch[] => {
    const seen = new Map<string, EndpointMatch>();
    for (const r of list) {
      const key = `${r.module.path}:${r.route.function}`;
      if (!seen.has(key)) seen.set(key, { path: r.module.path, function: r.route.function, line: r.route.line, label: label(r) });
    }
    return [...seen.values()];
  };
  const methodPath = /^([A-Za-z]+)\s+(\S+)$/.exec(trimmed);
  if (methodPath) {
    const method = methodPath[1].toUpperCase();
    const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
    const wanted = norm(methodPath[2]);
    const withMethod = routes.filter((r) => r.method === method);
    const exact = withMethod.filter((r) => norm(r.fullPath) === wanted);
    if (exact.length) return toMatch(exact);
    const suffix = withMethod.filter((r) => norm(r.fullPath).endsWith(wanted) && (wanted.startsWith('/') || norm(r.fullPath).endsWith('/' + wanted)));
    if (suffix.length) return toMatch(suffix);
    return toMatch(withMethod.filter((r) => r.route.path !== null && norm(r.route.path) === wanted));
  }
  const fileFn = /^(.+):([A-Za-z_]\w*)$/.exec(trimmed);
  if (fileFn) {
    const file = fileFn[1].replace(/\\/g, '/').replace(/^\.\//, '');
    return toMatch(routes.filter((r) => r.module.path === file && r.route.function === fileFn[2]));
  }
  if (/^[A-Za-z_]\w*$/.test(trimmed)) return toMatch(routes.filter((r) => r.route.function === trimmed));
  return [];
}

const SYNC_REDIS_CLASSES = new Set(['redis.Redis', 'redis.client.Redis', 'redis.StrictRedis', 'redis.client.StrictRedis']);
const ASYNC_REDIS_CLASSES = new Set(['redis.asyncio.Redis', 'redis.asyncio.client.Redis']);

/** How the file can spell the async Redis class, plus the import that needs (if any). */
function asyncRedisClassName(file: SourceFile, facts: FileFacts, index: WorkspaceIndex): { name: string; edit?: TextEdit } {
  const summary = index.fileByPath(file.path);
  for (const binding of summary?.imports ?? []) {
    const resolved = index.resolveBinding(binding);
    if (resolved?.kind !== 'external') continue;
    if (ASYNC_REDIS_CLASSES.has(resolved.dotted)) return { name: binding.local };
    if (resolved.dotted === 'redis.asyncio' || resolved.dotted === 'aioredis') return { name: `${binding.local}.Redis` };
  }
  const taken = !!facts.index.resolveName(file.moduleName, 'AsyncRedis');
  const name = taken ? 'AsyncRedisClient' : 'AsyncRedis';
  return { name, edit: ensureFromImport(file, 'redis.asyncio', `Redis as ${name}`) };
}

/**
 * `redis: Redis = Depends(get_redis)` → `redis: AsyncRedis = Depends(get_async_redis)` in the
 * handler's parameters, when the module defining the sync dependency also defines an async one.
 */
function switchRedisDependencies(file: SourceFile, handler: string, index: WorkspaceIndex, config: AsyncMigrateConfig): { text: string; applied: string[] } {
  const text = file.text;
  index.upsert(summarizeSource(file));
  const facts = new FileFacts(file, index, config);
  const route = index.fileByPath(file.path)?.routes.find((r) => r.function === handler);
  const fn = route && functionDefinitionAt(file.root, route.start);
  if (!fn) return { text, applied: [] };
  const edits: TextEdit[] = [];
  const applied: string[] = [];
  for (const param of facts.functionFacts(fn).params.values()) {
    const dependency = param.dependsOn;
    if (!dependency || !config.redis.syncDependencies.includes(dependency.split('.').pop()!)) continue;
    const syncSymbol = index.resolveDotted(file.moduleName, dependency);
    if (syncSymbol?.kind !== 'function') continue;
    const definingModule = index.module(syncSymbol.module);
    const asyncName = config.redis.asyncDependencies.find((n) => definingModule?.functions[n]);
    if (!asyncName) continue;
    const dependsCall = param.defaultValue?.type === 'call' ? param.defaultValue : undefined;
    const argument = dependsCall?.childForFieldName('arguments')?.namedChildren.find((a) => a && a.text === dependency);
    if (!argument) continue;
    const replacement = dependency.includes('.') ? dependency.replace(/[^.]+$/, asyncName) : asyncName;
    edits.push({ start: argument.startIndex, end: argument.endIndex, newText: replacement });
    if (!dependency.includes('.')) {
      const importEdit = ensureFromImport(file, syncSymbol.module, asyncName);
      if (importEdit && !edits.some((e) => e.start === importEdit.start && e.end === importEdit.end)) edits.push(importEdit);
    }
    // The annotation field is a `type` node wrapping the expression.
    const annotation = param.annotation?.type === 'type' ? (param.annotation.namedChild(0) ?? undefined) : param.annotation;
    if (annotation && SYNC_REDIS_CLASSES.has(facts.canonical(annotation) ?? '')) {
      const asyncClass = asyncRedisClassName(file, facts, index);
      edits.push({ start: annotation.startIndex, end: annotation.endIndex, newText: asyncClass.name });
      if (asyncClass.edit && !edits.some((e) => e.start === asyncClass.edit!.start && e.end === asyncClass.edit!.end)) edits.push(asyncClass.edit);
    }
    applied.push(`Redis client \`${param.name}\`: \`Depends(${dependency})\` → \`Depends(${replacement})\``);
  }
  return edits.length ? { text: applyEdits(text, edits), applied } : { text, applied: [] };
}
