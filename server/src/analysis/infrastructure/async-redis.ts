// The Redis half of "Set up async infrastructure": next to a module-level sync client
// (`redis_client = redis.Redis.from_url(...)`) add the same client from `redis.asyncio`, and next
// to the sync dependency (`get_redis`) its async twin (`get_async_redis`).
import type { AsyncMigrateConfig } from '../config';
import type { FunctionSummary, ModuleSummary } from '../summary';
import { dottedName, walk } from '../syntax';
import type { WorkspaceIndex } from '../workspace';
import { isTestPath } from './async-dependency';
import { type EditDraft, type FileEdits, type InitAsyncPart, freeName, lineEndAfter, spellNextTo, topLevelAssignment, topLevelFunction } from './module-edits';

/** Sync redis-py constructors and how the async client is built from the same arguments. */
const CONSTRUCTORS: Record<string, '' | '.from_url'> = {
  'redis.Redis': '',
  'redis.StrictRedis': '',
  'redis.client.Redis': '',
  'redis.Redis.from_url': '.from_url',
  'redis.StrictRedis.from_url': '.from_url',
  'redis.from_url': '.from_url',
};

interface SyncClient {
  module: ModuleSummary;
  name: string;
}

function missing(message: string): InitAsyncPart {
  return { status: 'missing', message };
}

/** How `edits`' file spells the redis.asyncio client class (an existing import, else `Redis as AsyncRedis`). */
function asyncRedisClass(index: WorkspaceIndex, edits: FileEdits): string {
  for (const binding of index.fileByPath(edits.file.path)?.imports ?? []) {
    const sym = index.resolveBinding(binding);
    if (sym?.kind !== 'external') continue;
    if (sym.dotted === 'redis.asyncio.Redis' || sym.dotted === 'redis.asyncio.client.Redis') return binding.local;
    if (sym.dotted === 'redis.asyncio') return `${binding.local}.Redis`;
  }
  return edits.importName('redis.asyncio', freeName(edits.file, 'AsyncRedis') ? 'Redis as AsyncRedis' : 'Redis as AsyncRedisClient');
}

export function planAsyncRedis(index: WorkspaceIndex, config: AsyncMigrateConfig, draft: EditDraft): InitAsyncPart | undefined {
  const modules = index.modules().filter((m) => !isTestPath(m.path));
  for (const mod of modules) {
    for (const name of config.redis.asyncDependencies) {
      if (mod.functions[name]?.isAsync) return { status: 'present', message: `async Redis dependency already present: ${mod.moduleName}.${name}` };
    }
  }
  const dependencies: { mod: ModuleSummary; fn: FunctionSummary }[] = [];
  for (const mod of modules) for (const name of config.redis.syncDependencies) if (mod.functions[name] && !mod.functions[name].isAsync) dependencies.push({ mod, fn: mod.functions[name] });
  const clients: SyncClient[] = [];
  for (const mod of modules) for (const v of Object.values(mod.variables)) if (index.variableKind(mod.moduleName, v) === 'syncRedis') clients.push({ module: mod, name: v.name });
  if (!dependencies.length && !clients.length) return undefined;

  // The client the sync dependency hands out, as spelled in its body.
  let dependency: { mod: ModuleSummary; fn: FunctionSummary; clientSpelling: string } | undefined;
  let client: SyncClient | undefined;
  const reasons: string[] = [];
  for (const { mod, fn } of dependencies) {
    const edits = draft.open(mod.path);
    const found = edits && topLevelFunction(edits.file, fn.nameStart);
    if (!found) continue;
    let spelling: string | undefined;
    walk(found.fn.childForFieldName('body')!, (node) => {
      if (spelling) return false;
      if (node.type !== 'identifier' && node.type !== 'attribute') return;
      const dotted = dottedName(node);
      const sym = dotted ? index.resolveDotted(mod.moduleName, dotted) : undefined;
      if (sym?.kind === 'variable' && sym.variableKind === 'syncRedis') {
        spelling = dotted;
        client = { module: index.module(sym.module)!, name: sym.name };
      }
      if (node.type === 'attribute') return false;
    });
    if (spelling) {
      dependency = { mod, fn, clientSpelling: spelling };
      break;
    }
    reasons.push(`\`${mod.path}\` \`${fn.name}\` does not hand out a module-level sync client (\`redis_client = redis.Redis(...)\`)`);
  }
  if (!dependency) client = clients[0];
  if (!client) return missing(`async Redis not set up: ${reasons.join('; ')}; add \`${config.redis.asyncDependencies[0]}\` by hand`);

  const clientEdits = draft.open(client.module.path);
  const assignment = clientEdits && topLevelAssignment(clientEdits.file, client.name);
  if (!clientEdits || !assignment?.call) return missing(`async Redis not set up: \`${client.name}\` in \`${client.module.path}\` is not a top-level \`${client.name} = redis.Redis(...)\``);
  const callee = dottedName(assignment.call.childForFieldName('function'));
  const sym = callee ? index.resolveDotted(client.module.moduleName, callee) : undefined;
  const form = sym?.kind === 'external' ? CONSTRUCTORS[sym.dotted] : undefined;
  const args = assignment.call.childForFieldName('arguments');
  if (form === undefined || !args) return missing(`async Redis not set up: \`${client.name} = ${assignment.call.text.split('(')[0]}(...)\` in \`${client.module.path}\` is not a redis-py constructor this tool knows (redis.Redis(...), redis.Redis.from_url(...), redis.from_url(...))`);
  if (/\bconnection_pool\s*=|ConnectionPool\b/.test(args.text)) return missing(`async Redis not set up: \`${client.name}\` in \`${client.module.path}\` uses a sync ConnectionPool, which redis.asyncio cannot share; create the async client by hand`);

  const nl = clientEdits.newline;
  // An async client already next to the sync one only lacks its dependency.
  const existing = Object.values(client.module.variables).find((v) => index.variableKind(client!.module.moduleName, v) === 'asyncRedis')?.name;
  const asyncClientName = existing ?? freeName(clientEdits.file, `async_${client.name}`, `${client.name}_async`);
  if (!asyncClientName) return missing(`async Redis not set up: \`async_${client.name}\` is already defined in \`${client.module.path}\``);
  const block = existing ? [] : ['# Async Redis client (async-migrate init-async): same server, redis.asyncio; always await its commands.', `${asyncClientName} = ${asyncRedisClass(index, clientEdits)}${form}${args.text}`];

  const depName = config.redis.asyncDependencies[0] ?? 'get_async_redis';
  const depEdits = dependency ? draft.open(dependency.mod.path)! : clientEdits;
  const clientSpelling = dependency ? spellNextTo(index, depEdits, client.module, asyncClientName, dependency.clientSpelling)! : asyncClientName;
  const generator = dependency ? dependency.fn.isGenerator : true;
  const redisClass = asyncRedisClass(index, depEdits);
  const returns = generator ? `${depEdits.importName('typing', 'AsyncIterator')}[${redisClass}]` : redisClass;
  const depLines = [
    `async def ${depName}() -> ${returns}:`,
    `    """Async twin of \`${dependency?.fn.name ?? client.name}\`: the redis.asyncio client (await every command)."""`,
    `    ${generator ? 'yield' : 'return'} ${clientSpelling}`,
  ];
  const text = clientEdits.file.text;
  const at = lineEndAfter(text, assignment.statement.endIndex);
  const lead = at === text.length && !text.endsWith('\n') ? nl : '';
  if (dependency) {
    const trail = /^[^\r\n]/.test(text.slice(at)) ? nl : '';
    if (block.length) clientEdits.insert(at, `${lead}${nl}${block.join(nl)}${nl}${trail}`);
    const fn = topLevelFunction(depEdits.file, dependency.fn.nameStart)!;
    const dText = depEdits.file.text;
    const dAt = lineEndAfter(dText, fn.definition.endIndex);
    const dLead = dAt === dText.length && !dText.endsWith('\n') ? nl : '';
    depEdits.insert(dAt, `${dLead}${nl}${nl}${depLines.join(nl)}${nl}`);
  } else {
    clientEdits.insert(at, `${lead}${nl}${[...block, '', ''].join(nl)}${block.length ? nl : ''}${depLines.join(nl)}${nl}`);
  }
  const where = dependency ? `next to \`${dependency.fn.name}\` in \`${dependency.mod.path}\`` : `in \`${client.module.path}\``;
  return { status: 'added', message: `async Redis: added \`${asyncClientName}\` (redis.asyncio) next to \`${client.name}\` and \`${depName}\` ${where}` };
}
