// AM301 redis-keys: `KEYS pattern` blocks the whole Redis server (seed error 5).
import { asyncReceiverProof } from '../async-evidence';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { awaitBlocker } from '../fixes/awaiting';
import { children, keywordArgument, positionalArguments } from '../syntax';

/** The `await` node directly awaiting call (through parentheses), if any. */
function awaitingNode(call: Node): Node | undefined {
  let p = call.parent;
  while (p && p.type === 'parenthesized_expression') p = p.parent;
  return p?.type === 'await' ? p : undefined;
}

/** The pattern argument's text, '' for `keys()`, undefined when the arguments are not just a pattern. */
function patternText(call: Node): string | undefined {
  const args = call.childForFieldName('arguments');
  if (args?.type !== 'argument_list') return undefined;
  const all = children(args).filter((a) => a.type !== 'comment');
  const positional = positionalArguments(args);
  const keyword = keywordArgument(args, 'pattern');
  if (all.length === 0) return '';
  if (all.length !== 1) return undefined;
  if (positional.length === 1 && positional[0].type !== 'list_splat' && positional[0].type !== 'dictionary_splat') return positional[0].text;
  if (keyword) return keyword.text;
  return undefined;
}

function check(context: RuleContext): void {
  const { facts } = context;
  if (!context.file.text.includes('keys')) return;
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    // The callee's name comes from the text (cached): only `….keys(…)` calls touch the tree.
    if (facts.calleeLastName(call) !== 'keys') continue;
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    const receiver = callee.childForFieldName('object')!;
    const flavor = facts.redisFlavor(receiver);
    if (!flavor) continue;
    const pattern = patternText(call);
    const shown = pattern === '' ? '"*"' : (pattern ?? '…');
    const message = `\`KEYS ${shown}\` walks every key and blocks the whole Redis server while it runs; iterate with \`scan_iter(match=…)\` (SCAN) instead`;
    if (pattern === undefined) {
      context.report({ node: call, message, noFixReason: 'unexpected arguments to `keys()`' });
      continue;
    }
    const scan = `${receiver.text}.scan_iter(${pattern ? `match=${pattern}, ` : ''}count=100)`;
    if (flavor === 'sync') {
      const replacement = `list(${scan})`;
      context.report({ node: call, message, fix: { title: `Replace with ${replacement}`, applicability: 'safe', edits: [{ start: call.startIndex, end: call.endIndex, newText: replacement }] } });
      continue;
    }
    // `async for` over scan_iter needs the async client proven (the one decision every await-writing fix asks).
    if (!asyncReceiverProof(facts, receiver, 'redis').proven) continue;
    const awaiting = awaitingNode(call);
    if (!awaiting) {
      context.report({ node: call, message, noFixReason: '`keys()` on an async client is not awaited here; add the `await` first (AM302)' });
      continue;
    }
    const blocker = awaitBlocker(facts, awaiting);
    if (blocker) {
      context.report({ node: call, message, noFixReason: `an async comprehension is not possible here: ${blocker}` });
      continue;
    }
    const replacement = `[k async for k in ${scan}]`;
    // `(await r.keys(p))` keeps its parentheses; the comprehension is an atom, so none are needed otherwise.
    context.report({ node: call, message, fix: { title: `Replace with ${replacement}`, applicability: 'safe', edits: [{ start: awaiting.startIndex, end: awaiting.endIndex, newText: replacement }] } });
  }
}

export const redisKeys: Rule = {
  code: 'AM301',
  name: 'redis-keys',
  defaultSeverity: 'warning',
  fix: 'sometimes',
  docs: {
    what: 'Reports `.keys(pattern)` (and `.keys()`, which means `*`) called on a Redis client, sync or async.',
    why: 'KEYS is O(N) over the whole keyspace and Redis is single-threaded: while it runs every other client waits, so one `KEYS gym:*:users:*` on a production instance stalls all requests. The seed lists it as common error 5 (the async activity feed shipped with it). SCAN walks the keyspace in small batches and lets other commands run in between.',
    example: 'keys = await redis.keys("gym:*:users:*")\nsync_keys = redis_client.keys(f"session:{user_id}:*")',
    useInstead: 'keys = [k async for k in redis.scan_iter(match="gym:*:users:*", count=100)]\nsync_keys = list(redis_client.scan_iter(match=f"session:{user_id}:*", count=100))',
    limits: [
      'Only receivers known to be Redis clients are reported (created by `redis`/`redis.asyncio`/`aioredis`, annotated, injected by a configured dependency, returned by a workspace factory whose definition says so — `client = await get_redis_client()` with `async def get_redis_client() -> redis.asyncio.Redis` —, or named in `redis.async-names`/`sync-names`); a dict\'s `.keys()` and unknown objects are never reported.',
      'SCAN is not a point-in-time snapshot: a key added or removed during the scan may or may not be returned, and a key can be returned more than once (rare, during rehashing). Code that counts keys should deduplicate (`set(...)`).',
      'On an async client the fix needs the awaited form (`await r.keys(p)`) inside an `async def`; an unawaited call is fixed by AM302 first.',
      'Commands queued on a pipeline are not reported.',
    ],
  },
  locality: 'definition',
  check,
};
