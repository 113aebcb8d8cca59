// AM302 unawaited-redis-call: a command on an async Redis client that is never awaited (seed error 4).
import { asyncReceiverProof } from '../async-evidence';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { FileFacts } from '../semantics';
import { awaitBlocker, awaitEdits, enclosingBodyFunction } from '../fixes/awaiting';
import { isAwaited, walk } from '../syntax';

/**
 * redis-py command methods that return an awaitable on `redis.asyncio.Redis`. Deliberately not
 * here: `pipeline`/`pubsub`/`lock`/`register_script`/`monitor` (return objects, used sync or with
 * `async with`), `scan_iter`/`hscan_iter`/`sscan_iter`/`zscan_iter` (async iterators used with
 * `async for`), `client`/`connection_pool`/`get_connection_kwargs`/`json`/`ft` (accessors).
 */
export const REDIS_COMMANDS: ReadonlySet<string> = new Set([
  // keys / generic
  'delete', 'unlink', 'exists', 'expire', 'expireat', 'pexpire', 'pexpireat', 'persist', 'ttl', 'pttl', 'type',
  'rename', 'renamenx', 'keys', 'scan', 'touch', 'copy', 'dump', 'restore', 'randomkey', 'object', 'sort',
  // strings
  'get', 'set', 'setex', 'setnx', 'psetex', 'getset', 'getdel', 'getex', 'mget', 'mset', 'msetnx', 'incr', 'incrby',
  'incrbyfloat', 'decr', 'decrby', 'append', 'strlen', 'getrange', 'setrange', 'setbit', 'getbit', 'bitcount',
  // hashes
  'hget', 'hset', 'hsetnx', 'hmset', 'hmget', 'hgetall', 'hdel', 'hexists', 'hincrby', 'hincrbyfloat', 'hkeys', 'hvals',
  'hlen', 'hstrlen', 'hscan', 'hrandfield',
  // lists
  'lpush', 'rpush', 'lpushx', 'rpushx', 'lpop', 'rpop', 'llen', 'lrange', 'lindex', 'lset', 'lrem', 'ltrim', 'linsert',
  'lmove', 'blmove', 'blpop', 'brpop', 'rpoplpush', 'brpoplpush', 'lpos',
  // sets
  'sadd', 'srem', 'smembers', 'sismember', 'smismember', 'scard', 'spop', 'srandmember', 'sinter', 'sinterstore',
  'sunion', 'sunionstore', 'sdiff', 'sdiffstore', 'smove', 'sscan',
  // sorted sets
  'zadd', 'zrem', 'zrange', 'zrevrange', 'zrangebyscore', 'zrevrangebyscore', 'zscore', 'zmscore', 'zincrby', 'zcard',
  'zcount', 'zrank', 'zrevrank', 'zremrangebyscore', 'zremrangebyrank', 'zpopmin', 'zpopmax', 'bzpopmin', 'bzpopmax',
  'zscan', 'zunionstore', 'zinterstore', 'zrangestore',
  // streams, hyperloglog, geo
  'xadd', 'xread', 'xreadgroup', 'xrange', 'xrevrange', 'xlen', 'xack', 'xdel', 'xtrim', 'xgroup_create', 'xpending',
  'xclaim', 'xautoclaim', 'pfadd', 'pfcount', 'pfmerge', 'geoadd', 'geodist', 'geopos', 'geosearch', 'georadius',
  // pub/sub, scripting, server, connection
  'publish', 'eval', 'evalsha', 'script_load', 'ping', 'echo', 'flushdb', 'flushall', 'dbsize', 'info', 'time',
  'execute_command', 'watch', 'unwatch', 'close', 'aclose', 'initialize', 'memory_usage', 'config_get', 'config_set',
]);

/** Functions that take coroutines and await them (so a bare command passed to them is correct). */
const COROUTINE_CONSUMERS = new Set([
  'asyncio.gather', 'asyncio.create_task', 'asyncio.ensure_future', 'asyncio.wait_for', 'asyncio.shield', 'asyncio.wait',
  'asyncio.as_completed', 'asyncio.run', 'asyncio.run_coroutine_threadsafe', 'asyncio.timeout',
  'anyio.run', 'trio.run',
]);
/** Method names that collect or schedule a coroutine (`tasks.append(coro)`, `tg.create_task(coro)`). */
const CONSUMER_METHODS = new Set(['append', 'extend', 'add', 'insert', 'put', 'put_nowait', 'create_task', 'ensure_future', 'run_until_complete', 'start_soon', 'spawn', 'gather']);

/** Nodes a coroutine value passes through unchanged on its way to where it is used. */
const TRANSPARENT = new Set(['parenthesized_expression', 'list', 'tuple', 'set', 'list_splat', 'dictionary_splat', 'list_comprehension', 'set_comprehension', 'generator_expression', 'pair', 'dictionary', 'dictionary_comprehension', 'conditional_expression', 'keyword_argument', 'expression_list']);

/** What happens to the value of expr: climbs through containers to the place that uses it. */
function consumerOf(expr: Node): Node {
  let node = expr;
  while (node.parent && TRANSPARENT.has(node.parent.type)) node = node.parent;
  return node;
}

/** True when the call whose argument list holds the value hands it to something that awaits it. */
function isConsumingCall(facts: FileFacts, call: Node): boolean {
  if (isAwaited(call)) return true; // `await asyncio.wait_for(r.get(k), 1)`, `await helper(r.get(k))`
  const callee = call.childForFieldName('function');
  const canonical = facts.canonical(callee);
  if (canonical && COROUTINE_CONSUMERS.has(canonical)) return true;
  if (callee?.type === 'attribute' && CONSUMER_METHODS.has(callee.childForFieldName('attribute')!.text)) return true;
  return false;
}

/** A plain def may return the awaitable for its caller to await; an async def returning it is a bug. */
function returnHandsOn(facts: FileFacts, node: Node): boolean {
  const fn = enclosingBodyFunction(node);
  return !!fn && !facts.functionFacts(fn).isAsync;
}

/** True when a use of a name holding the coroutine hands it to something that awaits it. */
function isConsumingUse(facts: FileFacts, use: Node): boolean {
  const top = consumerOf(use);
  const parent = top.parent;
  if (!parent) return false;
  if (parent.type === 'await') return true;
  if (parent.type === 'yield') return true;
  if (parent.type === 'return_statement') return returnHandsOn(facts, use);
  if (parent.type === 'argument_list') return isConsumingCall(facts, parent.parent!);
  // `coros.values()` / `coros.items()` handed on: follow the call.
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === top.id && parent.parent?.type === 'call') return isConsumingUse(facts, parent.parent);
  const isRight = parent.childForFieldName('right')?.id === top.id;
  if (parent.type === 'assignment' || parent.type === 'augmented_assignment') return isRight; // aliased / collected: cannot follow, stay silent
  if (parent.type === 'for_statement' || parent.type === 'for_in_clause') return isRight; // `for coro in coros: await coro`
  return false;
}

/** For `name = <value holding the call>`: whether a later use of name awaits it. */
function assignedAndAwaitedLater(facts: FileFacts, assignment: Node, scope: Node): boolean {
  const left = assignment.childForFieldName('left');
  const names = new Set<string>();
  if (left?.type === 'identifier') names.add(left.text);
  else if (left && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) {
    for (const c of left.namedChildren) if (c?.type === 'identifier') names.add(c.text);
  } else if (left) return true; // `self.pending = r.get(k)`, `d[k] = …`: cannot follow
  let consumed = false;
  walk(scope, (n) => {
    if (consumed) return false;
    // Any use but the assignment's own target (a loop may await it before re-assigning it).
    if (n.type === 'identifier' && names.has(n.text) && !(left && n.startIndex >= left.startIndex && n.endIndex <= left.endIndex) && isConsumingUse(facts, n)) consumed = true;
  });
  return consumed;
}

/** True when an unawaited command is fine where it stands (its coroutine is awaited or handed on). */
function legitimateUse(facts: FileFacts, call: Node): boolean {
  const top = consumerOf(call);
  const parent = top.parent;
  if (!parent) return false;
  if (parent.type === 'lambda') return true; // a coroutine factory
  if (parent.type === 'argument_list') return isConsumingCall(facts, parent.parent!);
  if (parent.type === 'yield') return true;
  if (parent.type === 'return_statement') return returnHandsOn(facts, call);
  if (parent.type === 'augmented_assignment') return true; // `tasks += [r.get(k)]`
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === top.id) {
    const fn = enclosingBodyFunction(call);
    return assignedAndAwaitedLater(facts, parent, fn?.childForFieldName('body') ?? facts.file.root);
  }
  return false;
}

function check(context: RuleContext): void {
  const { facts } = context;
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    // The callee's last name comes from the text (cached): most calls are skipped without the tree.
    const command = facts.calleeLastName(call);
    if (command === undefined || !REDIS_COMMANDS.has(command)) continue;
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    if (isAwaited(call)) continue;
    const receiver = callee.childForFieldName('object')!;
    if (!asyncReceiverProof(facts, receiver, 'redis').proven) continue;
    if (legitimateUse(facts, call)) continue;
    const message = `\`${receiver.text}.${command}()\` on an async Redis client is not awaited: the command never runs and the result is a coroutine`;
    const blocker = awaitBlocker(facts, call);
    if (blocker) {
      context.report({ node: call, message, noFixReason: `cannot insert \`await\`: ${blocker}` });
      continue;
    }
    context.report({ node: call, message, fix: { title: 'Insert `await`', applicability: 'safe', edits: awaitEdits(call) } });
  }
}

export const unawaitedRedisCall: Rule = {
  code: 'AM302',
  name: 'unawaited-redis-call',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    what: 'Reports a Redis command (`get`, `set`, `setex`, `delete`, `incr`, `expire`, `hset`, `lpush`, `zadd`, `publish`, … — the redis-py command methods) called on an async Redis client (`redis.asyncio`, aioredis, or a name/annotation/dependency configured in `[tool.async-migrate.redis]`) without `await`: as a statement, an assignment, a condition, a return from an `async def` or an argument.',
    why: 'On an async client every command returns a coroutine. Without `await` the command is never sent: `redis.set(key, value)` silently does nothing and `data = redis.get(key)` is a coroutine object (always truthy, not the cached value). Type checkers do not catch it because redis-py annotates commands as `Awaitable[T] | T`. The seed lists it as common error 4.',
    example: 'redis = redis.asyncio.from_url(REDIS_URL)\n\nasync def cache_user(user):\n    redis.set(f"user:{user.id}", user.json())  # never runs\n    data = redis.get(f"user:{user.id}")       # a coroutine\n    return data.decode()',
    useInstead: 'async def cache_user(user):\n    await redis.set(f"user:{user.id}", user.json())\n    data = await redis.get(f"user:{user.id}")\n    return data.decode()',
    limits: [
      'Commands on a pipeline (`pipe = r.pipeline()`, `async with r.pipeline() as pipe`) are buffered, not awaited one by one: they are never reported; only `await pipe.execute()` matters.',
      'A command passed to `asyncio.gather`/`create_task`/`wait_for`, collected with `.append()`, returned from a plain `def` or assigned to a name that is awaited or handed on later is correct and not reported.',
      'The client must be known to be async: created by `redis.asyncio`/`aioredis`, annotated as such, provided by a configured dependency, or named in `redis.async-names`. Unknown receivers are not reported.',
      'A client from a workspace factory (`client = await get_redis_client()`, `Depends(get_redis_client)`) follows the factory\'s definition before its name: a return annotation naming a Redis client, else the client every `return` builds (`aioredis.from_url(...)`). An `async def` gives its client only when awaited; one returning a workspace class (a wrapper) gives no Redis client; an `async def` with a configured sync name (`get_redis_client`) and nothing else to go on is unknown.',
      'Inside a plain `def`, a lambda or a generator expression there is no automatic fix (an `await` is not valid or would change the generator): make the function `async` or use a sync client.',
    ],
  },
  locality: 'definition',
  check,
};
