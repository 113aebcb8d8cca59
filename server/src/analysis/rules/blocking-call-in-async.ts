// AM601 blocking-call-in-async: sync I/O (time.sleep, requests, sync SDK clients) inside
// `async def` stalls the event loop (seed: "Stripe sync puede bloquear event loop").
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { FileFacts } from '../semantics';
import { awaitBlocker, awaitEdits, enclosingBodyFunction } from '../fixes/awaiting';
import { ensureModuleImport, moduleImportLocal } from '../fixes/imports';
import { wsgiViewStarts } from '../routes';
import { children, dottedName, isAwaited } from '../syntax';
import type { TextEdit } from '../types';

/** A sync client object whose methods do network I/O. */
type ClientKind = 'openai' | 'stream' | 'streamChannel' | 'boto3' | 'boto3Session' | 'requests' | 'httpx' | 'stripe';

export interface BlockingCall {
  /** `sleep` is fixed with `asyncio.sleep`, everything else with `asyncio.to_thread`. */
  kind: 'sleep' | 'thread';
  /** Human description of what blocks, e.g. "the sync Stripe SDK". */
  what: string;
}

const CLIENT_CONSTRUCTORS: Record<string, ClientKind> = {
  'openai.OpenAI': 'openai',
  'openai.AzureOpenAI': 'openai',
  'openai.Client': 'openai',
  'openai.AzureClient': 'openai',
  'stream_chat.StreamChat': 'stream',
  'stream_chat.client.StreamChat': 'stream',
  'boto3.client': 'boto3',
  'boto3.resource': 'boto3',
  'boto3.Session': 'boto3Session',
  'boto3.session.Session': 'boto3Session',
  'requests.Session': 'requests',
  'requests.session': 'requests',
  'requests.sessions.Session': 'requests',
  'httpx.Client': 'httpx',
  'stripe.StripeClient': 'stripe',
};

const CLIENT_NAMES: Record<ClientKind, string> = {
  openai: 'the sync OpenAI client',
  stream: 'the Stream Chat client (sync)',
  streamChannel: 'a Stream Chat channel (sync client)',
  boto3: 'a boto3 client',
  boto3Session: 'a boto3 session',
  requests: 'a requests Session',
  httpx: 'a sync httpx Client',
  stripe: 'the sync StripeClient',
};

const HTTP_VERBS = /^(get|post|put|patch|delete|head|options|request|send|stream)$/;
const STRIPE_METHODS = /^(create|retrieve|modify|delete|list|search|cancel|capture|confirm|attach|detach|finalize_invoice|pay|void_invoice|send_invoice|mark_uncollectible|upcoming|reject|refund|expire|close|approve|decline|verify|verify_microdeposits|reverse|resume|release|apply_customer_balance|increment_authorization|(create|list|retrieve|modify|delete)_\w+)$/;
/** Stream Chat methods that do no network I/O (JWT signing, local objects). */
const STREAM_LOCAL = new Set(['create_token', 'create_search_token', 'verify_webhook', 'channel', 'get_default_params', 'normalize_expiration', 'set_http_session']);
/** boto3 client methods that do no network I/O. */
const BOTO3_LOCAL = new Set(['generate_presigned_url', 'generate_presigned_post', 'get_paginator', 'get_waiter', 'can_paginate', 'close']);

/** Blocking module-level functions by canonical dotted name. */
function moduleLevelBlocking(canonical: string, config: readonly string[]): BlockingCall | undefined {
  if (canonical === 'time.sleep') return { kind: 'sleep', what: '`time.sleep()`' };
  let m = /^(requests|httpx)\.(\w+)$/.exec(canonical);
  if (m && HTTP_VERBS.test(m[2])) return { kind: 'thread', what: `\`${canonical}()\` (sync HTTP)` };
  if (/^urllib\.request\.(urlopen|urlretrieve)$/.test(canonical)) return { kind: 'thread', what: `\`${canonical}()\` (sync HTTP)` };
  if (/^subprocess\.(run|call|check_call|check_output|getoutput|getstatusoutput)$/.test(canonical) || canonical === 'os.system') {
    return { kind: 'thread', what: `\`${canonical}()\` (waits for a child process)` };
  }
  m = /^stripe\.(?:[a-z_]\w*\.)*([A-Z]\w*)\.([a-z_]\w*)$/.exec(canonical);
  if (m && !/^Webhook/.test(m[1]) && !m[2].endsWith('_async') && STRIPE_METHODS.test(m[2])) return { kind: 'thread', what: `the sync Stripe SDK (\`${canonical}()\`)` };
  if (/^openai\.(ChatCompletion|Completion|Embedding|Image|Moderation|Edit|Audio|File|FineTune|Model)\.(create|list|retrieve|delete|transcribe|translate|create_variation|create_edit)$/.test(canonical)) {
    return { kind: 'thread', what: `the sync OpenAI SDK (\`${canonical}()\`)` };
  }
  if (/^openai\.(chat\.completions|completions|embeddings|images|moderations|files|models|audio\.\w+|responses)\.\w+$/.test(canonical)) {
    return { kind: 'thread', what: `the sync OpenAI SDK (\`${canonical}()\`)` };
  }
  if (config.includes(canonical)) return { kind: 'thread', what: `\`${canonical}()\` (configured in \`blocking-calls\`)` };
  return undefined;
}

class ClientKinds {
  private readonly visiting = new Set<number>();

  constructor(private readonly facts: FileFacts) {}

  private fromConstructor(dotted: string | undefined): ClientKind | undefined {
    return dotted ? CLIENT_CONSTRUCTORS[dotted] : undefined;
  }

  /** Kind of the value of a module-level variable (any module), through its creating call. */
  private ofVariable(module: string, callee: string | undefined, depth: number): ClientKind | undefined {
    if (!callee || depth > 4) return undefined;
    const index = this.facts.index;
    const sym = index.resolveDotted(module, callee);
    if (sym?.kind === 'external') return this.fromConstructor(sym.dotted);
    // `s3 = session.client("s3")` with `session = boto3.Session()`.
    const m = /^(.*)\.(client|resource|channel)$/.exec(callee);
    if (m) {
      const owner = index.resolveDotted(module, m[1]);
      if (owner?.kind === 'variable') {
        const ownerKind = this.ofVariable(owner.module, owner.variable.callee, depth + 1);
        if (ownerKind === 'boto3Session' && m[2] !== 'channel') return 'boto3';
        if (ownerKind === 'stream' && m[2] === 'channel') return 'streamChannel';
      }
    }
    return undefined;
  }

  /** What client object expr evaluates to, if it is one of the known sync clients. */
  of(expr: Node, depth = 0): ClientKind | undefined {
    if (depth > 6 || this.visiting.has(expr.id)) return undefined;
    this.visiting.add(expr.id);
    try {
      return this.compute(expr, depth);
    } finally {
      this.visiting.delete(expr.id);
    }
  }

  private compute(expr: Node, depth: number): ClientKind | undefined {
    const { facts } = this;
    if (expr.type === 'parenthesized_expression' && expr.namedChildCount === 1) return this.of(expr.namedChild(0)!, depth + 1);
    if (expr.type === 'call') {
      const fn = expr.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const attr = fn.childForFieldName('attribute')!.text;
        const owner = this.of(fn.childForFieldName('object')!, depth + 1);
        if (owner === 'boto3Session' && (attr === 'client' || attr === 'resource')) return 'boto3';
        if (owner === 'stream' && attr === 'channel') return 'streamChannel';
      }
      return this.fromConstructor(facts.canonical(fn));
    }
    const name = expr.type === 'identifier' ? expr.text : expr.type === 'attribute' && expr.childForFieldName('object')?.text === 'self' ? expr.text : undefined;
    const fn = facts.enclosingFunction(expr);
    if (name && fn) {
      const param = expr.type === 'identifier' ? fn.params.get(name) : undefined;
      if (param) {
        const annotation = param.annotation;
        if (annotation && (annotation.type === 'identifier' || annotation.type === 'attribute' || annotation.type === 'type')) {
          const inner = annotation.type === 'type' ? annotation.namedChild(0) : annotation;
          if (inner && (inner.type === 'identifier' || inner.type === 'attribute')) return this.fromConstructor(facts.canonical(inner));
        }
        return undefined;
      }
      const bindings = fn.locals.get(name);
      if (bindings?.length) return this.agree(bindings.map((b) => b.value), depth);
      if (name.startsWith('self.') && fn.classNode) return this.ofSelfAttribute(fn.classNode, name, depth);
    }
    if (expr.type === 'identifier' || (expr.type === 'attribute' && dottedName(expr) && !dottedName(expr)!.startsWith('self.'))) {
      const sym = facts.resolve(expr);
      if (sym?.kind === 'variable') return this.ofVariable(sym.module, sym.variable.callee, depth);
      if (sym?.kind === 'external') return undefined;
    }
    return undefined;
  }

  private agree(values: Node[], depth: number): ClientKind | undefined {
    const kinds = new Set(values.map((v) => this.of(v, depth + 1)));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }

  /** `self.client` assigned in any method of the class (usually __init__). */
  private ofSelfAttribute(classNode: Node, name: string, depth: number): ClientKind | undefined {
    const body = classNode.childForFieldName('body');
    const values: Node[] = [];
    for (const stmt of body ? children(body) : []) {
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      if (def?.type !== 'function_definition') continue;
      for (const binding of this.facts.functionFacts(def).locals.get(name) ?? []) values.push(binding.value);
    }
    return values.length ? this.agree(values, depth) : undefined;
  }
}

/** The expression a method chain hangs off (`client` in `client.chat.completions.create`), and how many attributes follow it. */
function chainRoot(callee: Node): { root: Node; depth: number } {
  let node = callee;
  let depth = 0;
  while (node.type === 'attribute') {
    const object = node.childForFieldName('object')!;
    if (object.type === 'identifier' && object.text === 'self') break; // keep `self.x` as the root
    node = object;
    depth++;
  }
  return { root: node, depth };
}

function instanceMethodBlocking(kind: ClientKind, callee: Node, depth: number): BlockingCall | undefined {
  const method = callee.type === 'attribute' ? callee.childForFieldName('attribute')!.text : '';
  const what = `${CLIENT_NAMES[kind]} (\`${callee.text}()\`)`;
  switch (kind) {
    case 'openai':
    case 'stripe':
      // client.chat.completions.create / client.customers.create: resource, then method.
      return depth >= 2 && !method.endsWith('_async') && method !== 'with_options' ? { kind: 'thread', what } : undefined;
    case 'stream':
      return depth === 1 && !STREAM_LOCAL.has(method) && !method.startsWith('_') ? { kind: 'thread', what } : undefined;
    case 'streamChannel':
      return depth === 1 && !method.startsWith('_') ? { kind: 'thread', what } : undefined;
    case 'boto3':
      return depth === 1 && !BOTO3_LOCAL.has(method) && /^[a-z]/.test(method) ? { kind: 'thread', what } : undefined;
    case 'requests':
    case 'httpx':
      return depth === 1 && HTTP_VERBS.test(method) ? { kind: 'thread', what } : undefined;
    default:
      return undefined;
  }
}

/** Whether call is a known blocking call (anywhere: callers decide whether it matters there). */
export function blockingCall(facts: FileFacts, call: Node): BlockingCall | undefined {
  // The callee's name and canonical name come from the text and the index (cached): the tree
  // is only looked at for method calls on objects.
  const canonical = facts.canonicalCallee(call);
  if (canonical) {
    const found = moduleLevelBlocking(canonical, facts.config.blockingCalls);
    if (found) return found;
  }
  const dotted = facts.calleeName(call);
  if (dotted !== undefined && !dotted.includes('.')) return undefined; // a plain name, not a method
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  if (callee.type !== 'attribute') return undefined;
  const { root, depth } = chainRoot(callee);
  const kind = new ClientKinds(facts).of(root);
  return kind ? instanceMethodBlocking(kind, callee, depth) : undefined;
}

function argumentsText(call: Node): { inner: string; whole: string } | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  if (args.type === 'generator_expression') return { inner: args.text, whole: `(${args.text})` };
  const text = args.text;
  if (!text.startsWith('(') || !text.endsWith(')')) return undefined;
  return { inner: text.slice(1, -1), whole: text };
}

/** Computes once per file (import lookups walk the module's top level). */
function lazy<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

function check(context: RuleContext): void {
  const { facts, file } = context;
  const asyncioImport = lazy(() => {
    const edit = ensureModuleImport(file, 'asyncio');
    return { local: moduleImportLocal(file, 'asyncio') ?? 'asyncio', imports: edit ? [edit] : ([] as TextEdit[]) };
  });
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    // The nearest def (from offsets, cached) first: only calls in an async def's body matter.
    if (!facts.enclosingFunction(call)?.isAsync) continue;
    const fn = enclosingBodyFunction(call);
    if (!fn) continue;
    // A Flask `async def` view runs in its own event loop per request: nothing else shares it.
    if (wsgiViewStarts(file).has(fn.startIndex)) continue;
    const found = blockingCall(facts, call);
    if (!found) continue;
    const fnName = facts.functionFacts(fn).name;
    const callee = call.childForFieldName('function')!;
    const base = `${found.what} blocks the event loop inside \`async def ${fnName}\`: every other request on this worker waits`;
    const args = argumentsText(call);
    const blocker = awaitBlocker(facts, call);
    const { local: asyncioLocal, imports } = asyncioImport();
    const awaited = isAwaited(call);
    if (found.kind === 'sleep') {
      const message = `${base}; use \`await asyncio.sleep(...)\``;
      if (!args || (blocker && !awaited)) {
        context.report({ node: call, message, noFixReason: blocker ? `cannot insert \`await\`: ${blocker}` : 'unexpected call shape' });
        continue;
      }
      const replacement = `${asyncioLocal}.sleep${args.whole}`;
      const edits = awaited ? [{ start: call.startIndex, end: call.endIndex, newText: replacement }] : awaitEdits(call, replacement);
      context.report({ node: call, message, fix: { title: `Replace with await ${asyncioLocal}.sleep(...)`, applicability: 'safe', edits: [...edits, ...imports] } });
      continue;
    }
    const message = `${base}; run it in a worker thread with \`await asyncio.to_thread(...)\` or use an async client`;
    if (!args || (blocker && !awaited)) {
      context.report({ node: call, message, noFixReason: blocker ? `cannot insert \`await\`: ${blocker}` : 'unexpected call shape' });
      continue;
    }
    const inner = args.inner.trim() === '' ? '' : /^\s/.test(args.inner) ? `,${args.inner}` : `, ${args.inner}`;
    const replacement = `${asyncioLocal}.to_thread(${callee.text}${inner})`;
    const edits = awaited ? [{ start: call.startIndex, end: call.endIndex, newText: replacement }] : awaitEdits(call, replacement);
    context.report({
      node: call,
      message,
      fix: { title: `Run in a thread: await ${asyncioLocal}.to_thread(${callee.text}, ...)`, applicability: 'unsafe', edits: [...edits, ...imports] },
    });
  }
}

export const blockingCallInAsync: Rule = {
  code: 'AM601',
  name: 'blocking-call-in-async',
  defaultSeverity: 'warning',
  fix: 'sometimes',
  docs: {
    what: 'Reports blocking calls made directly in the body of an `async def`: `time.sleep`, `requests.*` and sync `httpx`, `urllib.request.urlopen`, `subprocess.run/call/check_output`, `os.system`, the sync Stripe SDK (`stripe.Customer.create`, `stripe.PaymentIntent.retrieve`, … and `StripeClient`), the sync OpenAI client (`OpenAI()` instances, legacy `openai.ChatCompletion.create`), Stream Chat (`StreamChat` instances and their channels), boto3 clients/resources, and the dotted names listed in `blocking-calls`.',
    why: 'An `async def` endpoint runs on the event loop thread. A sync network call or sleep there does not yield: the whole worker stops serving every other request until it returns, so one slow Stripe or OpenAI call raises everyone\'s latency. FastAPI only protects plain `def` endpoints (it runs them in a threadpool). The seed warns: "Stripe sync puede bloquear event loop" and recommends `asyncio.to_thread()`.',
    example: 'async def create_membership(data: MembershipIn):\n    customer = stripe.Customer.create(email=data.email)\n    time.sleep(1)\n    reply = client.chat.completions.create(model="gpt-4o", messages=msgs)',
    useInstead: 'import asyncio\n\nasync def create_membership(data: MembershipIn):\n    customer = await asyncio.to_thread(stripe.Customer.create, email=data.email)\n    await asyncio.sleep(1)\n    reply = await async_client.chat.completions.create(model="gpt-4o", messages=msgs)  # AsyncOpenAI',
    limits: [
      'Only direct calls in the `async def` body are reported. A sync helper called from async code is not followed (it may or may not block); calls already wrapped (`asyncio.to_thread(fn, ...)`, `loop.run_in_executor(None, fn)`, `run_in_threadpool(fn)`, a lambda) are fine.',
      '`stripe.Webhook.construct_event` and other local-only SDK helpers (Stream Chat `create_token`, boto3 `generate_presigned_url`) do no I/O and are not reported. `open()` and sockets are not reported (too noisy).',
      'Client objects are recognised when created in the same function, at module level (any module), in `__init__` as `self.x`, or from a parameter annotation; clients passed around in other ways are not followed.',
      'The `asyncio.to_thread` fix is marked unsafe: the call then runs in another thread, so thread-local state (contextvars are copied, but e.g. thread-bound DB sessions or non-thread-safe clients are not) may behave differently. An async SDK (`AsyncOpenAI`, `StreamChatAsync`, httpx.AsyncClient, aioboto3) is usually better. `time.sleep` → `asyncio.sleep` is safe.',
      'No fix inside a generator expression or a lambda.',
      'Flask `async def` views (`@app.route`, `@bp.get`… on a Flask app or blueprint) are not reported: Flask runs each one in its own event loop in the request\'s worker thread, so a blocking call holds up that request only. Quart, Sanic and FastAPI share one loop and are reported.',
    ],
  },
  locality: 'definition',
  check,
};
