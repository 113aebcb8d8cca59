// async-migrate endpoints [PATHS…]: the endpoint inventory (spec §2–3) — full route, handler,
// sync/async, status, open findings and tier with its reason — sorted by tier, then risk
// (lowest first: the order to migrate in).
import type { OptionSpec } from '../args';
import type { CommandIO } from '../io';
import type { Endpoint } from '../../analysis/endpoints/types';
import { STATUSES } from '../../analysis/endpoints/types';
import { failUsage, loadInventory, plural, prepare, table } from './workflow-common';

export const ENDPOINTS_OPTIONS: OptionSpec[] = [
  { name: 'format', type: 'string', metavar: 'text|json', choices: ['text', 'json'], help: 'output format (default: text)' },
  { name: 'tier', type: 'list', metavar: 'N', help: 'only these tiers (1, 2, 3; comma-separated)' },
  { name: 'status', type: 'list', metavar: 'STATUS', help: `only these statuses (${STATUSES.join(', ')})` },
  { name: 'details', type: 'boolean', help: 'text format: also list services, SDKs, DB/Redis use and open findings per endpoint' },
];

const DESCRIPTION = `Lists every FastAPI endpoint of the project (handlers under PATHS when given) with its full
path (router prefixes and include_router chains resolved across files), sync/async, status
(sync, in progress, migrated, verified), open findings in the handler and the code it calls, and
its tier with the reason. Sorted by tier, then by risk (lowest first: the order to migrate in).
A route part that cannot be known statically is shown as {?}.

JSON: an array of {path, line, function, method, route, async, tier, tierReason, status,
findings, ...} where findings is the number of open findings (findingCodes has them by rule).

Exit status: 0, or 2 on a usage or configuration error.`;

export function endpointJson(e: Endpoint, display: (p: string) => string) {
  return {
    path: display(e.path),
    line: e.line,
    function: e.function,
    method: e.method,
    route: e.route,
    async: e.isAsync,
    tier: e.tier,
    tierReason: e.tierReason,
    status: e.status,
    findings: e.findings.length,
    id: e.id,
    findingCodes: e.findingCodes,
    statusReasons: e.statusReasons,
    routeKnown: e.routeKnown,
    mounted: e.mounted,
    ...(e.routeNote ? { routeNote: e.routeNote } : {}),
    phase: e.phase,
    risk: e.risk,
    complexity: e.complexity,
    effortHours: e.effortHours,
    services: e.dependencies.services.map((s) => ({
      name: s.name,
      qualified: s.qualified,
      path: display(s.path),
      line: s.line,
      async: s.isAsync,
      twin: s.twin ? s.twin.name : null,
      blocking: s.blocking,
      depth: s.depth,
    })),
    externalSdks: e.dependencies.externalSdks.map((s) => ({ name: s.name, call: s.call, via: s.direct ? null : s.viaModule, path: display(s.path), line: s.line })),
    db: e.dependencies.db,
    redis: e.dependencies.redis,
  };
}

function details(e: Endpoint, display: (p: string) => string): string[] {
  const lines: string[] = [];
  const d = e.dependencies;
  if (e.routeNote) lines.push(`    route: ${e.routeNote}`);
  // As a tree: each dependency under the one that calls it.
  const printed = new Set<string>();
  const print = (s: (typeof d.services)[number]) => {
    if (printed.has(s.qualified)) return;
    printed.add(s.qualified);
    const kind = s.isAsync ? 'async' : !s.doesIO ? 'sync, no IO' : s.twin ? `sync, async version ${s.twin.name}` : 'sync, no async version';
    const flags = [kind, s.blocking ? 'blocks the event loop' : ''].filter(Boolean).join(', ');
    lines.push(`    ${'  '.repeat(s.depth - 1)}calls ${s.name} (${flags}) ${display(s.path)}:${s.line}`);
    for (const child of d.services) if (child.depth === s.depth + 1 && child.via === s.name) print(child);
  };
  for (const s of d.services) if (s.depth === 1) print(s);
  for (const s of d.services) print(s);
  for (const s of d.externalSdks) lines.push(`    sdk ${s.name}: ${s.call} ${s.direct ? 'directly' : `via ${s.viaModule}`} (${display(s.path)}:${s.line})`);
  if (d.db.legacyQueries || d.db.modernQueries || d.db.sessions.length) {
    lines.push(`    db: ${d.db.legacyQueries} legacy .query(), ${d.db.modernQueries} select()/execute${d.db.sessions.length ? `, session: ${d.db.sessions.join('+')}` : ''}`);
  }
  if (d.redis.calls) lines.push(`    redis: ${plural(d.redis.calls, 'call')}${d.redis.flavors.length ? ` (${d.redis.flavors.join('+')} client)` : ''}`);
  for (const f of e.findings) lines.push(`    ${f.code} ${f.severity} ${display(f.path)}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`);
  for (const r of e.status === 'sync' ? [] : e.statusReasons) lines.push(`    status: ${r}`);
  return lines;
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const ctx = await prepare(io, 'endpoints', argv, ENDPOINTS_OPTIONS, 'async-migrate endpoints [options] [PATHS...]', DESCRIPTION);
  if (typeof ctx === 'number') return ctx;
  const o = ctx.args.options;
  const tiers = ((o.tier as string[] | undefined) ?? []).map((t) => t.replace(/^tier\s*/i, ''));
  if (tiers.some((t) => !/^[123]$/.test(t))) return failUsage(io, 'endpoints', `--tier takes 1, 2 or 3, got "${tiers.find((t) => !/^[123]$/.test(t))}"`);
  const statuses = ((o.status as string[] | undefined) ?? []).map((s) => s.toLowerCase().replace(/[-_]/g, ' '));
  const badStatus = statuses.find((s) => !(STATUSES as readonly string[]).includes(s));
  if (badStatus) return failUsage(io, 'endpoints', `--status takes ${STATUSES.join(', ')}; got "${badStatus}"`);

  const { inventory, selected, progress } = loadInventory(ctx);
  const { ws } = ctx;
  const list = selected.filter((e) => (!tiers.length || tiers.includes(String(e.tier))) && (!statuses.length || statuses.includes(e.status)));
  for (const p of inventory.problems) io.err(`warning: ${ws.display(p.path)}:${p.line}: ${p.message}`);
  if (progress.error) io.err(`warning: ${progress.error.message} (the verified status needs a readable progress file)`);

  if (o.format === 'json') {
    io.out(JSON.stringify(list.map((e) => endpointJson(e, ws.display)), null, 2));
    return 0;
  }
  if (!list.length) {
    io.out(inventory.endpoints.length ? 'no endpoints match' : 'no FastAPI endpoints found (routes are @router.get/post/…, @app.<method>, api_route and add_api_route)');
    return 0;
  }
  const rows = list.map((e) => [
    String(e.tier),
    e.method,
    e.route + (e.mounted ? '' : ' (not mounted)'),
    e.function,
    `${ws.display(e.path)}:${e.line}`,
    e.isAsync ? 'async' : 'def',
    e.status,
    String(e.findings.length),
    e.tierReason.replace(/^tier \d: /, ''),
  ]);
  const text = table(['TIER', 'METHOD', 'ROUTE', 'FUNCTION', 'FILE', 'ASYNC', 'STATUS', 'FINDINGS', 'REASON'], rows);
  if (o.details) {
    const lines = text.split('\n');
    const out = lines.slice(0, 2);
    list.forEach((e, i) => out.push(lines[i + 2], ...details(e, ws.display)));
    io.out(out.join('\n'));
  } else io.out(text);
  const asyncCount = list.filter((e) => e.isAsync).length;
  const byTier = [1, 2, 3].map((t) => `tier ${t}: ${list.filter((e) => e.tier === t).length}`).join(', ');
  const unknown = list.filter((e) => !e.routeKnown).length;
  const unmounted = list.filter((e) => !e.mounted).length;
  io.out('');
  io.out(`${plural(list.length, 'endpoint')} (${byTier}); ${asyncCount} async (${list.length ? Math.round((asyncCount / list.length) * 100) : 0} %)`);
  if (unknown) io.out(`${plural(unknown, 'route')} with a part that is not static ({?}); see --details or --format json (routeNote)`);
  if (unmounted) io.out(`${plural(unmounted, 'route')} on routers that are not included in a FastAPI app (not mounted)`);
  return 0;
}
