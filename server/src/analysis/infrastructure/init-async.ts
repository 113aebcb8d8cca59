// Set up async infrastructure (PRODUCT.md §2; the seed's phase 1 "infraestructura base"): next
// to the sync session plumbing (`create_engine` → `sessionmaker`/`Session` → `get_db`), add an
// async engine with the driver switched, `AsyncSessionLocal` (expire_on_commit=False) and
// `get_async_db`; plus an async Redis client and dependency when a sync one exists. One edit over
// the files involved, or none with a message saying what was looked for.
import type { AsyncMigrateConfig } from '../config';
import { applyEdits } from '../fixes/edits';
import type { Node } from '../parser';
import { SourceFile } from '../source';
import type { FunctionSummary, ModuleSummary } from '../summary';
import { children, dottedName, keywordArgument, positionalArguments, stringValue, walk } from '../syntax';
import type { TextEdit } from '../types';
import type { WorkspaceIndex } from '../workspace';
import { findAsyncSessionDependency, isTestPath } from './async-dependency';
import { planAsyncRedis } from './async-redis';
import { EditDraft, FileEdits, type InitAsyncPart, definesName, freeName, lineEndAfter, spellNextTo, topLevelAssignment, topLevelFunction } from './module-edits';

export interface InitAsyncPlan {
  /** Edits per workspace-relative path (empty when there is nothing to add). */
  files: { path: string; edits: TextEdit[] }[];
  session: InitAsyncPart;
  /** Undefined when the workspace has no sync Redis client or dependency. */
  redis?: InitAsyncPart;
  /** What was added, kept and dropped (engine arguments), one line each. */
  notes: string[];
}

const ENGINE_KEYWORDS_KEPT = new Set([
  'echo', 'echo_pool', 'pool_pre_ping', 'pool_size', 'max_overflow', 'pool_recycle', 'pool_timeout', 'pool_use_lifo',
  'pool_reset_on_return', 'isolation_level', 'execution_options', 'hide_parameters', 'json_serializer', 'json_deserializer',
  'logging_name', 'pool_logging_name', 'query_cache_size',
]);
/** Pool classes that work under asyncio too (the default sync QueuePool does not). */
const ASYNC_SAFE_POOLS = new Set(['NullPool', 'StaticPool', 'AsyncAdaptedQueuePool']);

/** A literal database URL with its async driver, or undefined when no async driver is known for it. */
export function asyncDatabaseUrl(url: string): string | undefined {
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^postgres(?:ql)?(?:\+(?:psycopg2|psycopg2cffi|pg8000|psycopg|asyncpg))?:\/\//, () => 'postgresql+asyncpg://'],
    [/^sqlite(?:\+(?:pysqlite|aiosqlite))?:\/\//, () => 'sqlite+aiosqlite://'],
    [/^(mysql|mariadb)(?:\+(?:pymysql|mysqldb|mysqlconnector|aiomysql))?:\/\//, (m) => `${m[1]}+aiomysql://`],
  ];
  for (const [pattern, replacement] of rules) {
    const m = pattern.exec(url);
    if (m) return replacement(m) + url.slice(m[0].length);
  }
  return undefined;
}

const URL_HELPER = (name: string, makeUrl: string, urlClass: string, nl: string) =>
  [
    `def ${name}(url):`,
    `    """The same database URL with an async driver (postgresql → asyncpg, sqlite → aiosqlite, mysql → aiomysql)."""`,
    `    url = ${makeUrl}(url if isinstance(url, (str, ${urlClass})) else str(url))`,
    `    backend = url.get_backend_name()`,
    `    driver = {"postgresql": "asyncpg", "sqlite": "aiosqlite", "mysql": "aiomysql", "mariadb": "aiomysql"}.get(backend)`,
    `    if driver is None:`,
    `        raise ValueError(f"no async driver known for {backend!r} database URLs: set the async engine's URL by hand")`,
    `    return url.set(drivername=f"{backend}+{driver}")`,
  ].join(nl);

interface SessionPlumbing {
  dependencyModule: ModuleSummary;
  dependency: FunctionSummary;
  /** How get_db spells what opens its session (`SessionLocal`, `db.SessionLocal`, `Session`). */
  opener: string;
  /** The sessionmaker variable, when get_db goes through one. */
  factory?: { module: ModuleSummary; name: string; call: Node; statement: Node };
  engine: { module: ModuleSummary; name: string; call: Node; statement: Node };
}

function part(status: InitAsyncPart['status'], message: string): InitAsyncPart {
  return { status, message };
}

function modulePath(index: WorkspaceIndex, module: string): ModuleSummary | undefined {
  return index.module(module);
}

/** Where get_db gets its session: a sessionmaker variable, or `Session(engine)`. */
function findPlumbing(index: WorkspaceIndex, draft: EditDraft, mod: ModuleSummary, fn: FunctionSummary): SessionPlumbing | string {
  const where = `\`${mod.path}\` \`${fn.name}\``;
  const depFile = draft.open(mod.path)?.file;
  const found = depFile && topLevelFunction(depFile, fn.nameStart);
  if (!found) return `${where} is not a top-level function`;
  if (found.definition.type === 'decorated_definition') return `${where} is decorated (${fn.decorators.map((d) => `@${d}`).join(', ')}): write its async twin by hand`;
  let plumbing: SessionPlumbing | string | undefined;
  walk(found.fn, (node) => {
    if (plumbing) return false;
    if (node.type !== 'call') return;
    const opener = dottedName(node.childForFieldName('function'));
    if (!opener) return;
    const sym = index.resolveDotted(mod.moduleName, opener);
    if (sym?.kind === 'variable' && sym.variableKind === 'syncSessionFactory') {
      plumbing = factoryPlumbing(index, draft, mod, fn, opener, sym.module, sym.name);
    } else if (sym?.kind === 'external' && /^sqlalchemy\.orm\.(session\.)?Session$/.test(sym.dotted)) {
      const args = node.childForFieldName('arguments');
      const bind = keywordArgument(args, 'bind') ?? positionalArguments(args)[0];
      plumbing = bind ? enginePlumbing(index, draft, mod.moduleName, bind, `\`${opener}(...)\` in ${where}`, (engine) => ({ dependencyModule: mod, dependency: fn, opener, engine })) : `\`${opener}()\` in ${where} has no engine argument`;
    }
  });
  return plumbing ?? `${where} opens no session from a \`sessionmaker(...)\` variable or \`Session(engine)\``;
}

function factoryPlumbing(index: WorkspaceIndex, draft: EditDraft, mod: ModuleSummary, fn: FunctionSummary, opener: string, factoryModuleName: string, factoryName: string): SessionPlumbing | string {
  const factoryModule = modulePath(index, factoryModuleName);
  const factoryFile = factoryModule && draft.open(factoryModule.path)?.file;
  const assignment = factoryFile && topLevelAssignment(factoryFile, factoryName);
  if (!factoryModule || !assignment?.call) return `\`${factoryModuleName}.${factoryName}\` is not a top-level \`${factoryName} = sessionmaker(...)\``;
  let call = assignment.call;
  // scoped_session(sessionmaker(...)): the binding is on the inner factory.
  if (/(^|\.)scoped_session$/.test(dottedName(call.childForFieldName('function')) ?? '')) {
    const inner = positionalArguments(call.childForFieldName('arguments'))[0];
    if (inner?.type !== 'call') return `\`${factoryName} = scoped_session(...)\` in \`${factoryModule.path}\` does not wrap a \`sessionmaker(...)\` call`;
    call = inner;
  }
  const args = call.childForFieldName('arguments');
  const bind = keywordArgument(args, 'bind') ?? positionalArguments(args)[0];
  if (!bind) return `\`${factoryName} = ${call.text.split('(')[0]}(...)\` in \`${factoryModule.path}\` has no \`bind=\`: cannot tell which engine it uses`;
  const factory = { module: factoryModule, name: factoryName, call, statement: assignment.statement };
  return enginePlumbing(index, draft, factoryModuleName, bind, `\`${factoryName}\` in \`${factoryModule.path}\``, (engine) => ({ dependencyModule: mod, dependency: fn, opener, factory, engine }));
}

function enginePlumbing(index: WorkspaceIndex, draft: EditDraft, fromModule: string, bind: Node, what: string, build: (engine: SessionPlumbing['engine']) => SessionPlumbing): SessionPlumbing | string {
  const bindName = dottedName(bind);
  const sym = bindName ? index.resolveDotted(fromModule, bindName) : undefined;
  if (sym?.kind !== 'variable' || sym.variableKind !== 'syncEngine') return `${what} is bound to \`${bind.text}\`, not to a module-level \`create_engine(...)\` variable`;
  const engineModule = modulePath(index, sym.module)!;
  const engineFile = draft.open(engineModule.path)?.file;
  const assignment = engineFile && topLevelAssignment(engineFile, sym.name);
  if (!assignment?.call) return `\`${sym.name}\` in \`${engineModule.path}\` is not a top-level \`${sym.name} = create_engine(...)\``;
  return build({ module: engineModule, name: sym.name, call: assignment.call, statement: assignment.statement });
}

function sessionCandidates(index: WorkspaceIndex, config: AsyncMigrateConfig): { mod: ModuleSummary; fn: FunctionSummary }[] {
  const out: { mod: ModuleSummary; fn: FunctionSummary; score: number }[] = [];
  for (const mod of index.modules()) {
    if (isTestPath(mod.path)) continue;
    for (const name of config.session.syncDependencies) {
      const fn = mod.functions[name];
      if (!fn || fn.isAsync) continue;
      // Prefer the module that also builds the session factory (the session module itself).
      const score = Object.values(mod.variables).some((v) => index.variableKind(mod.moduleName, v) === 'syncSessionFactory') ? 0 : 1;
      out.push({ mod, fn, score });
    }
  }
  return out.sort((a, b) => a.score - b.score);
}

function planSession(index: WorkspaceIndex, config: AsyncMigrateConfig, draft: EditDraft, notes: string[]): InitAsyncPart {
  const existing = findAsyncSessionDependency(index, config);
  if (existing) {
    const configure = existing.name !== config.session.asyncDependency ? ` (set [tool.async-migrate.session] async-dependency = "${existing.name}" so AM103's fix uses it)` : '';
    return part('present', `async session dependency already present: ${existing.module}.${existing.name}${configure}`);
  }
  const names = config.session.syncDependencies.map((n) => `\`${n}\``).join(' / ');
  const lookedFor = `a plain \`def\` ${names} outside tests that opens its session with a module-level \`SessionLocal = sessionmaker(bind=engine)\` or \`Session(engine)\`, where \`engine = create_engine(url, ...)\` is a module-level assignment`;
  const candidates = sessionCandidates(index, config);
  if (!candidates.length) return part('missing', `no sync session module found: looked for ${lookedFor} (names: [tool.async-migrate.session] sync-dependencies)`);
  const reasons: string[] = [];
  for (const { mod, fn } of candidates) {
    const plumbing = findPlumbing(index, draft, mod, fn);
    if (typeof plumbing === 'string') {
      reasons.push(plumbing);
      continue;
    }
    const added = addAsyncSession(index, config, draft, plumbing, notes);
    if (typeof added === 'string') reasons.push(added);
    else return added;
  }
  return part('missing', `could not set up the async session: ${reasons.join('; ')} (looked for ${lookedFor})`);
}

/** create_async_engine's arguments from create_engine's: the URL with its async driver, the keywords valid for both. */
function asyncEngineArguments(engine: SessionPlumbing['engine'], edits: FileEdits, notes: string[]): { args: string; helper?: string; driver: string } | string {
  const args = engine.call.childForFieldName('arguments');
  const where = `\`${engine.name} = ${engine.call.text.split('(')[0]}(...)\` in \`${engine.module.path}\``;
  const items = args ? children(args).filter((a) => a.type !== 'comment') : [];
  if (items.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return `${where} passes \`*args\`/\`**kwargs\`: its arguments cannot be read`;
  const positional = positionalArguments(args);
  const urlNode = keywordArgument(args, 'url') ?? positional[0];
  if (!urlNode || positional.length > 1) return `${where}: expected \`create_engine(url, keyword=...)\``;
  const literal = urlNode.type === 'string' ? stringValue(urlNode) : undefined;
  let urlText: string;
  let helper: string | undefined;
  let driver: string;
  // The backend is known when the URL is a literal, here or in a module-level name (`DATABASE_URL = "sqlite:///…"`).
  const boundLiteral = urlNode.type === 'identifier' ? topLevelAssignment(edits.file, urlNode.text)?.statement.namedChild(0)?.childForFieldName('right') : undefined;
  const knownUrl = literal ?? (boundLiteral?.type === 'string' ? stringValue(boundLiteral) : undefined);
  const sqliteLiteral = knownUrl !== undefined && /^sqlite/.test(knownUrl);
  if (literal !== undefined) {
    const switched = asyncDatabaseUrl(literal);
    if (!switched) return `${where}: no async driver known for the URL "${literal.replace(/\/\/[^@/]*@/, '//…@')}" (postgresql, sqlite and mysql are)`;
    urlText = urlNode.text.replace(literal, switched);
    driver = switched.split(':')[0];
  } else {
    // An expression (settings.DATABASE_URL): switch the driver when the app starts, not by guessing here.
    const helperName = freeName(edits.file, 'async_database_url', 'to_async_database_url');
    if (!helperName) return `\`async_database_url\` is already defined in \`${engine.module.path}\``;
    const makeUrl = edits.importName('sqlalchemy.engine', 'make_url');
    const urlClass = edits.importName('sqlalchemy.engine', definesName(edits.file, 'URL') ? 'URL as SQLAlchemyURL' : 'URL');
    helper = URL_HELPER(helperName, makeUrl, urlClass, edits.newline);
    urlText = `${helperName}(${urlNode.text})`;
    driver = 'switched at run time by ' + helperName;
  }
  const kept: string[] = [];
  for (const a of items) {
    if (a.type !== 'keyword_argument') continue;
    const key = a.childForFieldName('name')?.text ?? '';
    const value = a.childForFieldName('value')?.text ?? '';
    if (key === 'url') continue;
    if (ENGINE_KEYWORDS_KEPT.has(key)) kept.push(a.text);
    else if (key === 'connect_args' && sqliteLiteral) {
      kept.push(a.text);
      notes.push(`kept ${a.text}: aiosqlite accepts sqlite3's connect arguments`);
    } else if (key === 'poolclass' && ASYNC_SAFE_POOLS.has(value.split('.').pop()!)) kept.push(a.text);
    else if (key === 'future') notes.push(`dropped ${a.text}: async engines are always 2.0-style`);
    else if (key === 'connect_args') notes.push(`dropped ${a.text}: connect arguments are driver-specific (the async driver differs); add the ones the async driver needs by hand`);
    else notes.push(`dropped ${a.text}: not known to be valid for create_async_engine; add it by hand if it applies`);
  }
  return { args: [urlText, ...kept].join(', '), helper, driver };
}

function addAsyncSession(index: WorkspaceIndex, config: AsyncMigrateConfig, draft: EditDraft, p: SessionPlumbing, notes: string[]): InitAsyncPart | string {
  const engineEdits = draft.open(p.engine.module.path)!;
  const nl = engineEdits.newline;
  const added: string[] = [];
  const localNotes: string[] = [];
  // Reuse an async engine / factory that already exists next to the sync one.
  const existingVar = (mod: ModuleSummary, kind: string) => Object.values(mod.variables).find((v) => index.variableKind(mod.moduleName, v) === kind)?.name;
  const factoryModule = p.factory?.module ?? p.engine.module;
  let factoryName = existingVar(factoryModule, 'asyncSessionFactory');
  const block: string[] = [];
  let helper: string | undefined;
  if (!factoryName) {
    let engineName = existingVar(p.engine.module, 'asyncEngine');
    if (!engineName) {
      engineName = freeName(engineEdits.file, `async_${p.engine.name}`, 'async_engine');
      if (!engineName) return `\`async_${p.engine.name}\` is already defined in \`${p.engine.module.path}\``;
      const engineArgs = asyncEngineArguments(p.engine, engineEdits, localNotes);
      if (typeof engineArgs === 'string') return engineArgs;
      helper = engineArgs.helper;
      const createAsyncEngine = engineEdits.importName('sqlalchemy.ext.asyncio', 'create_async_engine');
      block.push(`${engineName} = ${createAsyncEngine}(${engineArgs.args})`);
      added.push(`\`${engineName}\` (${engineArgs.driver})`);
    }
    factoryName = freeName(engineEdits.file, 'AsyncSessionLocal', `Async${p.factory?.name ?? 'SessionLocal'}`);
    if (!factoryName) return `\`AsyncSessionLocal\` is already defined in \`${p.engine.module.path}\``;
    // sessionmaker(class_=AsyncSession) works on SQLAlchemy 1.4 and 2.x alike (1.4 has no async_sessionmaker).
    const asyncSession = engineEdits.importName('sqlalchemy.ext.asyncio', 'AsyncSession');
    const sessionmaker = engineEdits.importName('sqlalchemy.orm', 'sessionmaker');
    const autoflush = p.factory ? keywordArgument(p.factory.call.childForFieldName('arguments'), 'autoflush') : undefined;
    block.push(`${factoryName} = ${sessionmaker}(bind=${engineName}, class_=${asyncSession}, expire_on_commit=False${autoflush ? `, autoflush=${autoflush.text}` : ''})`);
    added.push(`\`${factoryName}\` (expire_on_commit=False)`);
  }
  if (block.length) {
    // After the sync engine, or after the sync factory when it is in the same module and later.
    const anchor = p.factory && p.factory.module.path === p.engine.module.path && p.factory.statement.endIndex > p.engine.statement.endIndex ? p.factory.statement : p.engine.statement;
    const text = engineEdits.file.text;
    const at = lineEndAfter(text, anchor.endIndex);
    const lead = at === text.length && !text.endsWith('\n') ? nl : '';
    const comment = '# Async engine and sessions (async-migrate init-async): same database, async driver.';
    const body = helper ? [helper, '', '', comment, ...block] : [comment, ...block];
    const trail = /^[^\r\n]/.test(text.slice(at)) ? nl : '';
    engineEdits.insert(at, `${lead}${nl}${helper ? nl : ''}${body.join(nl)}${nl}${trail}`);
  }
  // get_async_db next to get_db.
  const depEdits = draft.open(p.dependencyModule.path)!;
  const depName = config.session.asyncDependency;
  if (definesName(depEdits.file, depName)) return `\`${depName}\` is already defined in \`${p.dependencyModule.path}\` but is not an \`async def\``;
  const factorySpelling = p.factory ? spellNextTo(index, depEdits, factoryModule, factoryName, p.opener) : spellNextTo(index, depEdits, p.engine.module, factoryName, p.engine.name);
  if (!factorySpelling) return `cannot import \`${factoryName}\` into \`${p.dependencyModule.path}\``;
  const asyncSession = depEdits.importName('sqlalchemy.ext.asyncio', 'AsyncSession');
  const asyncIterator = depEdits.importName('typing', 'AsyncIterator');
  const depFn = topLevelFunction(depEdits.file, p.dependency.nameStart)!;
  const commits = /\.commit\s*\(/.test(depFn.fn.text);
  const dnl = depEdits.newline;
  const lines = [
    `async def ${depName}() -> ${asyncIterator}[${asyncSession}]:`,
    `    """Async twin of \`${p.dependency.name}\`: one \`AsyncSession\` per request${commits ? ', committed when the request succeeds' : ''}, closed afterwards."""`,
    `    async with ${factorySpelling}() as session:`,
    `        yield session`,
    ...(commits ? ['        await session.commit()'] : []),
  ];
  const dText = depEdits.file.text;
  const at = lineEndAfter(dText, depFn.definition.endIndex);
  const lead = at === dText.length && !dText.endsWith('\n') ? dnl : '';
  depEdits.insert(at, `${lead}${dnl}${dnl}${lines.join(dnl)}${dnl}`);
  added.push(`\`${depName}\`${commits ? ' (commits like `' + p.dependency.name + '`)' : ''}`);
  notes.push(...localNotes);
  const places = [...new Set([p.engine.module.path, p.dependencyModule.path])].map((x) => `\`${x}\``).join(' and ');
  return part('added', `async session: added ${added.join(', ')} in ${places}, next to \`${p.dependency.name}\``);
}

/** Plans "Set up async infrastructure" over the workspace; `readText` gives a file's current text. */
export function planInitAsync(index: WorkspaceIndex, config: AsyncMigrateConfig, readText: (path: string) => string | undefined): InitAsyncPlan {
  const opened: SourceFile[] = [];
  const read = (path: string): SourceFile | undefined => {
    const text = readText(path);
    const mod = index.fileByPath(path);
    if (text === undefined || !mod) return undefined;
    const file = SourceFile.parse(path, mod.moduleName, text);
    opened.push(file);
    return file;
  };
  try {
    const notes: string[] = [];
    const merged = new Map<string, FileEdits[]>();
    const keep = (draft: EditDraft) => {
      for (const [path, edits] of draft.files) merged.set(path, [...(merged.get(path) ?? []), edits]);
    };
    const sessionDraft = new EditDraft(read);
    const session = planSession(index, config, sessionDraft, notes);
    if (session.status === 'added') keep(sessionDraft);
    const redisDraft = new EditDraft(read);
    const redis = planAsyncRedis(index, config, redisDraft);
    if (redis?.status === 'added') keep(redisDraft);
    const files: InitAsyncPlan['files'] = [];
    for (const [path, parts] of [...merged].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const edits = FileEdits.combine(parts);
      if (edits.length) files.push({ path, edits });
    }
    return { files, session, redis, notes };
  } finally {
    for (const file of opened) file.dispose();
  }
}

/** The new text of every file the plan changes. */
export function applyInitAsync(plan: InitAsyncPlan, readText: (path: string) => string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const { path, edits } of plan.files) out.set(path, applyEdits(readText(path) ?? '', edits));
  return out;
}
