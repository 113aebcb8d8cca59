// The dashboard's charts as plain SVG built by our own code: a burn-up of the share of async
// endpoints (all and per tier) over the sampled commits with the seed's phase targets drawn as
// steps, open findings per rule and per tier, and P95 before → after against −20 %. Each chart
// is an element tree: `svgText` serialises it for docs/async-migration/*.svg (fixed colours in
// an embedded style), the webview builds DOM nodes from the same tree (theme colours from CSS
// classes; no markup is ever parsed). Every chart has a <title>, a <desc> and a table
// alternative (`*Table`). Output is deterministic: the same model gives the same bytes.
// No runtime imports: bundled into the webview too.
import type { DashboardModel, History, HistorySample } from './model';
import { PHASE_TARGETS, targetAt } from './targets';

export type SvgChild = SvgElement | string;
export interface SvgElement {
  tag: string;
  attrs: Record<string, string>;
  children: SvgChild[];
}

/** A chart's text alternative. */
export interface ChartTable {
  caption: string;
  headers: string[];
  rows: string[][];
}

export interface Chart {
  id: 'burn-up' | 'findings' | 'latency';
  title: string;
  desc: string;
  svg: SvgElement;
  table: ChartTable;
}

/** English chart strings; the editor passes its localized table with the same keys. */
export const CHART_STRINGS: Record<string, string> = {
  'burnup.title': 'Endpoints async over time',
  'burnup.desc': '{0} of {1} endpoints async ({2} %) at {3}. Plan (seed): {4}.',
  'burnup.noHistory': 'No history: {0}',
  'burnup.plan': 'Plan (seed)',
  'burnup.planStep': 'phase {0}: {1} % by week {2}',
  'burnup.all': 'All endpoints',
  'burnup.tier': 'Tier {0}',
  'burnup.point': '{0} ({1}): {2} % async ({3} of {4}); tier 1 {5} %, tier 2 {6} %, tier 3 {7} %',
  'burnup.notAnalysed': '{0} ({1}): not analysed ({2})',
  'table.commit': 'Commit',
  'table.date': 'Date',
  'table.all': 'All',
  'table.tier': 'Tier {0}',
  'table.target': 'Plan',
  'findings.title': 'Open findings per rule and tier',
  'findings.desc': '{0} open findings in endpoints and the code they call; tier 1: {1}, tier 2: {2}, tier 3: {3}.',
  'findings.none': 'No open findings in endpoints and the code they call.',
  'findings.byRule': 'Per rule',
  'findings.byTier': 'Per tier',
  'table.rule': 'Rule',
  'table.count': 'Findings',
  'latency.title': 'P95 latency before → after',
  'latency.desc': '{0} of {1} endpoints with P95 recorded before and after met the −20 % target.',
  'latency.none': 'No endpoint has P95 recorded before and after yet (checklist step 6).',
  'latency.before': 'before',
  'latency.after': 'after',
  'latency.target': '−20 % target',
  'latency.row': '{0}: {1} → {2} ms ({3}), {4}',
  'latency.met': 'target met',
  'latency.notMet': 'target not met',
  'table.endpoint': 'Endpoint',
  'table.before': 'P95 before (ms)',
  'table.after': 'P95 after (ms)',
  'table.change': 'Change',
  'table.met': 'Target −20 %',
  yes: 'yes',
  no: 'no',
};

type Strings = Record<string, string>;

function fmtString(strings: Strings, key: string, ...args: (string | number)[]): string {
  const template = strings[key] ?? CHART_STRINGS[key] ?? key;
  return template.replace(/\{(\d+)\}/g, (m, i) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

/** A number with at most one decimal, without a trailing ".0" (deterministic). */
export function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}

/** A signed percent change: −25 %, +3.5 %. */
export function signedPercent(change: number): string {
  const p = Math.round(change * 1000) / 10;
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${num(Math.abs(p))} %`;
}

function el(tag: string, attrs: Record<string, string | number | undefined> = {}, ...children: (SvgChild | null | undefined | false)[]): SvgElement {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = typeof v === 'number' ? num(v) : v;
  return { tag, attrs: a, children: children.filter((c): c is SvgChild => c !== null && c !== undefined && c !== false) };
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number | undefined> = {}): SvgElement {
  return el('text', { x, y, ...attrs }, content);
}

function frame(id: Chart['id'], width: number, height: number, title: string, desc: string, body: SvgChild[]): SvgElement {
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: 'am-chart' },
    el('title', { id: `${id}-title` }, title),
    el('desc', { id: `${id}-desc` }, desc),
    el('rect', { class: 'am-bg', x: 0, y: 0, width, height }),
    ...body,
  );
}

const shortDate = (iso: string) => iso.slice(0, 10);
const shortCommit = (commit: string) => commit.slice(0, 7);
const WEEK_MS = 7 * 24 * 3600 * 1000;

// ------------------------------------------------------------------ burn-up

export function burnupChart(model: DashboardModel, strings: Strings = CHART_STRINGS): Chart {
  const s = (key: string, ...args: (string | number)[]) => fmtString(strings, key, ...args);
  const history = model.history;
  const samples = (history?.samples ?? []).filter((x) => x.share);
  const W = 640;
  const H = 340;
  const m = { left: 44, right: 24, top: 24, bottom: 84 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const plan = PHASE_TARGETS.map((t) => s('burnup.planStep', t.phase, t.percent, t.week)).join('; ');
  const last = samples[samples.length - 1];
  const title = s('burnup.title');
  const desc = last
    ? s('burnup.desc', last.share!.async, last.share!.total, num(last.share!.percent), `${shortCommit(last.commit)} ${shortDate(last.date)}`, plan)
    : s('burnup.noHistory', history?.note ?? '—');
  const body: SvgChild[] = [];
  const y = (p: number) => m.top + ph - (p / 100) * ph;
  // Grid and y axis.
  for (let p = 0; p <= 100; p += 20) {
    body.push(el('line', { class: 'am-grid', x1: m.left, x2: m.left + pw, y1: y(p), y2: y(p) }));
    body.push(text(m.left - 6, y(p) + 4, `${p} %`, { class: 'am-axis', 'text-anchor': 'end' }));
  }
  if (samples.length) {
    // First-parent order is the order of the branch; committer dates can go back (rebases, clock
    // skew): never draw a commit left of the one before it.
    const times: number[] = [];
    for (const x of samples) times.push(Math.max(Date.parse(x.date), times.length ? times[times.length - 1] : -Infinity));
    const start = history?.start ? Date.parse(history.start) : times[0];
    const t0 = Math.min(times[0], start);
    const t1 = Math.max(times[times.length - 1], start + PHASE_TARGETS[PHASE_TARGETS.length - 1].week * WEEK_MS);
    const span = t1 - t0 || 1;
    const x = (t: number) => m.left + ((t - t0) / span) * pw;
    // The plan as steps.
    const pts: [number, number][] = [[x(start), y(0)]];
    let level = 0;
    for (const t of PHASE_TARGETS) {
      const tx = x(start + t.week * WEEK_MS);
      pts.push([tx, y(level)], [tx, y(t.percent)]);
      level = t.percent;
    }
    pts.push([x(t1), y(level)]);
    body.push(el('polyline', { class: 'am-plan', points: pts.map(([a, b]) => `${num(a)},${num(b)}`).join(' '), fill: 'none' }));
    for (const t of PHASE_TARGETS) {
      const tx = x(start + t.week * WEEK_MS);
      body.push(text(tx - 3, y(t.percent) - 4, `${t.percent} %`, { class: 'am-plan-label', 'text-anchor': 'end' }));
    }
    // Per tier (thin, dashed differently), then all (thick, with points).
    const series: { cls: string; value: (x: HistorySample) => number | undefined }[] = [
      { cls: 'am-tier3', value: (p) => tierPercent(p, 3) },
      { cls: 'am-tier2', value: (p) => tierPercent(p, 2) },
      { cls: 'am-tier1', value: (p) => tierPercent(p, 1) },
      { cls: 'am-all', value: (p) => p.share!.percent },
    ];
    for (const ser of series) {
      const points = samples.map((p, i) => [times[i], ser.value(p)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined);
      if (!points.length) continue;
      body.push(el('polyline', { class: `am-line ${ser.cls}`, points: points.map(([t, v]) => `${num(x(t))},${num(y(v))}`).join(' '), fill: 'none' }));
    }
    samples.forEach((p, i) => {
      const sh = p.share!;
      const label = s('burnup.point', shortCommit(p.commit), shortDate(p.date), num(sh.percent), sh.async, sh.total, ...([1, 2, 3] as const).map((tier) => num(tierPercent(p, tier) ?? 0)));
      body.push(el('circle', { class: 'am-point', cx: x(times[i]), cy: y(sh.percent), r: 3.5, 'data-commit': p.commit }, el('title', {}, label)));
    });
    // X axis: dates of samples at least 80 px apart (the last one always).
    const ticks: number[] = [];
    samples.forEach((_, i) => {
      const at = x(times[i]);
      while (ticks.length && at - x(times[ticks[ticks.length - 1]]) < 80) {
        if (i !== samples.length - 1) return;
        ticks.pop();
      }
      ticks.push(i);
    });
    for (const i of ticks) {
      body.push(el('line', { class: 'am-axis-line', x1: x(times[i]), x2: x(times[i]), y1: m.top + ph, y2: m.top + ph + 4 }));
      body.push(text(x(times[i]), m.top + ph + 16, shortDate(samples[i].date), { class: 'am-axis', 'text-anchor': 'middle' }));
    }
  }
  body.push(el('line', { class: 'am-axis-line', x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph }));
  // Legend.
  const legend: [string, string][] = [
    ['am-all', s('burnup.all')],
    ['am-tier1', s('burnup.tier', 1)],
    ['am-tier2', s('burnup.tier', 2)],
    ['am-tier3', s('burnup.tier', 3)],
    ['am-plan', s('burnup.plan')],
  ];
  legend.forEach(([cls, label], i) => {
    const lx = m.left + (i % 3) * 190;
    const ly = H - 40 + Math.floor(i / 3) * 18;
    body.push(el('line', { class: `${cls === 'am-plan' ? 'am-plan' : `am-line ${cls}`}`, x1: lx, x2: lx + 24, y1: ly - 4, y2: ly - 4 }));
    body.push(text(lx + 30, ly, label, { class: 'am-legend' }));
  });
  return { id: 'burn-up', title, desc, svg: frame('burn-up', W, H, title, desc, body), table: burnupTable(history, strings) };
}

function tierPercent(p: HistorySample, tier: 1 | 2 | 3): number | undefined {
  const t = p.share?.tiers.find((x) => x.tier === tier);
  return t && t.total ? t.percent : undefined;
}

/** Up to n items of list, evenly spread, always the first and the last. */
export function pickEvenly<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  if (n <= 1) return [list[list.length - 1]];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(list[Math.round((i * (list.length - 1)) / (n - 1))]);
  return out;
}

export function burnupTable(history: History | undefined, strings: Strings = CHART_STRINGS): ChartTable {
  const s = (key: string, ...args: (string | number)[]) => fmtString(strings, key, ...args);
  const start = history?.start ? Date.parse(history.start) : undefined;
  const rows = (history?.samples ?? []).map((p) => {
    const week = start !== undefined ? (Date.parse(p.date) - start) / WEEK_MS : undefined;
    const target = week === undefined ? '' : `${targetAt(week)} %`;
    if (!p.share) return [shortCommit(p.commit), shortDate(p.date), s('burnup.notAnalysed', shortCommit(p.commit), shortDate(p.date), p.error ?? ''), '', '', '', target];
    const tier = (n: 1 | 2 | 3) => {
      const t = p.share!.tiers.find((x) => x.tier === n)!;
      return t.total ? `${num(t.percent)} % (${t.async}/${t.total})` : '—';
    };
    return [shortCommit(p.commit), shortDate(p.date), `${num(p.share.percent)} % (${p.share.async}/${p.share.total})`, tier(1), tier(2), tier(3), target];
  });
  return { caption: s('burnup.title'), headers: [s('table.commit'), s('table.date'), s('table.all'), s('table.tier', 1), s('table.tier', 2), s('table.tier', 3), s('table.target')], rows };
}

// ------------------------------------------------------------------ findings

export function findingsChart(model: DashboardModel, strings: Strings = CHART_STRINGS): Chart {
  const s = (key: string, ...args: (string | number)[]) => fmtString(strings, key, ...args);
  const rules = model.findingsByRule.slice(0, 14);
  const total = model.findingsByRule.reduce((a, r) => a + r.count, 0);
  const byTier = model.findingsByTier;
  const title = s('findings.title');
  const desc = total ? s('findings.desc', total, ...byTier.map((t) => t.count)) : s('findings.none');
  const W = 640;
  const rowH = 20;
  const top = 30;
  const labelW = 230;
  const barW = W - labelW - 60;
  const rulesH = Math.max(1, rules.length) * rowH;
  const tierTop = top + rulesH + 40;
  const H = tierTop + 3 * rowH + 16;
  const max = Math.max(1, ...rules.map((r) => r.count), ...byTier.map((t) => t.count));
  const body: SvgChild[] = [text(8, 18, s('findings.byRule'), { class: 'am-heading' })];
  if (!rules.length) body.push(text(8, top + 14, s('findings.none'), { class: 'am-legend' }));
  rules.forEach((r, i) => {
    const yy = top + i * rowH;
    const w = (r.count / max) * barW;
    const label = `${r.code} ${r.rule}`;
    body.push(
      el('g', { class: 'am-row' }, el('title', {}, `${label}: ${r.count} (${r.byTier.map((n, t) => `${s('burnup.tier', t + 1)} ${n}`).join(', ')})`), text(8, yy + 14, label, { class: 'am-label' }), el('rect', { class: 'am-bar', x: labelW, y: yy + 3, width: Math.max(w, 1), height: rowH - 6 }), text(labelW + w + 6, yy + 14, String(r.count), { class: 'am-value' })),
    );
  });
  body.push(text(8, tierTop - 12, s('findings.byTier'), { class: 'am-heading' }));
  byTier.forEach((t, i) => {
    const yy = tierTop + i * rowH;
    const w = (t.count / max) * barW;
    body.push(el('g', { class: 'am-row' }, text(8, yy + 14, s('burnup.tier', t.tier), { class: 'am-label' }), el('rect', { class: `am-bar am-bar-tier${t.tier}`, x: labelW, y: yy + 3, width: Math.max(w, 1), height: rowH - 6 }), text(labelW + w + 6, yy + 14, String(t.count), { class: 'am-value' })));
  });
  const table: ChartTable = {
    caption: title,
    headers: [s('table.rule'), s('table.count'), s('table.tier', 1), s('table.tier', 2), s('table.tier', 3)],
    rows: model.findingsByRule.map((r) => [`${r.code} ${r.rule}`, String(r.count), ...r.byTier.map(String)]),
  };
  return { id: 'findings', title, desc, svg: frame('findings', W, H, title, desc, body), table };
}

// ------------------------------------------------------------------ latency

/** Long endpoint ids are cut (with …) so labels stay inside the chart; the table has them whole. */
function clip(label: string, max: number): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`;
}

export function latencyChart(model: DashboardModel, strings: Strings = CHART_STRINGS): Chart {
  const s = (key: string, ...args: (string | number)[]) => fmtString(strings, key, ...args);
  const rows = model.latency.slice(0, 20);
  const met = model.latency.filter((r) => r.met).length;
  const title = s('latency.title');
  const desc = model.latency.length ? s('latency.desc', met, model.latency.length) : s('latency.none');
  const W = 640;
  const top = 10;
  const rowH = 34;
  const labelW = 230;
  const barW = W - labelW - 120;
  const H = top + Math.max(1, rows.length) * rowH + 36;
  const max = Math.max(1, ...rows.flatMap((r) => [r.before, r.after]));
  const xs = (v: number) => labelW + (v / max) * barW;
  const body: SvgChild[] = [];
  if (!rows.length) body.push(text(8, top + 14, s('latency.none'), { class: 'am-legend' }));
  rows.forEach((r, i) => {
    const yy = top + i * rowH;
    const outcome = r.met ? s('latency.met') : s('latency.notMet');
    const label = s('latency.row', r.id, num(r.before), num(r.after), signedPercent(r.change), outcome);
    body.push(
      el(
        'g',
        { class: 'am-row' },
        el('title', {}, label),
        text(8, yy + 19, clip(r.id, 34), { class: 'am-label' }),
        el('rect', { class: 'am-bar am-before', x: labelW, y: yy + 2, width: Math.max(1, xs(r.before) - labelW), height: 12 }),
        el('rect', { class: `am-bar ${r.met ? 'am-met' : 'am-not-met'}`, x: labelW, y: yy + 16, width: Math.max(1, xs(r.after) - labelW), height: 12 }),
        el('line', { class: 'am-target', x1: xs(r.before * (1 + model.p95Target)), x2: xs(r.before * (1 + model.p95Target)), y1: yy, y2: yy + 30 }),
        text(Math.max(xs(r.before), xs(r.after)) + 6, yy + 19, `${signedPercent(r.change)} ${r.met ? '✓' : '✗'}`, { class: `am-value ${r.met ? 'am-met-text' : 'am-not-met-text'}` }),
      ),
    );
  });
  // Legend.
  const ly = H - 14;
  body.push(el('rect', { class: 'am-bar am-before', x: 8, y: ly - 10, width: 14, height: 10 }), text(28, ly, s('latency.before'), { class: 'am-legend' }));
  body.push(el('rect', { class: 'am-bar am-met', x: 110, y: ly - 10, width: 14, height: 10 }), text(130, ly, s('latency.after'), { class: 'am-legend' }));
  body.push(el('line', { class: 'am-target', x1: 220, x2: 220, y1: ly - 12, y2: ly + 2 }), text(228, ly, s('latency.target'), { class: 'am-legend' }));
  const table: ChartTable = {
    caption: title,
    headers: [s('table.endpoint'), s('table.before'), s('table.after'), s('table.change'), s('table.met')],
    rows: model.latency.map((r) => [r.id, num(r.before), num(r.after), signedPercent(r.change), r.met ? s('yes') : s('no')]),
  };
  return { id: 'latency', title, desc, svg: frame('latency', W, H, title, desc, body), table };
}

export function dashboardCharts(model: DashboardModel, strings: Strings = CHART_STRINGS): Chart[] {
  return [burnupChart(model, strings), findingsChart(model, strings), latencyChart(model, strings)];
}

// ------------------------------------------------------------------ serialisation (files)

/** Fixed colours for the files (readable on light and dark GitHub backgrounds). */
const FILE_STYLE = [
  '.am-bg{fill:#ffffff}',
  'text{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;font-size:12px;fill:#1f2328}',
  '.am-axis,.am-legend{fill:#57606a}',
  '.am-heading{font-weight:600}',
  '.am-grid{stroke:#d0d7de;stroke-width:1}',
  '.am-axis-line{stroke:#57606a;stroke-width:1}',
  '.am-line{stroke-width:1.5;fill:none}',
  '.am-all{stroke:#0969da;stroke-width:3}',
  '.am-tier1{stroke:#8250df}',
  '.am-tier2{stroke:#bf8700;stroke-dasharray:6 3}',
  '.am-tier3{stroke:#57606a;stroke-dasharray:2 3}',
  '.am-plan{stroke:#cf222e;stroke-width:2;stroke-dasharray:8 4;fill:none}',
  '.am-plan-label{fill:#cf222e}',
  '.am-point{fill:#0969da;stroke:#ffffff;stroke-width:1}',
  '.am-bar{fill:#0969da}',
  '.am-bar-tier1{fill:#8250df}',
  '.am-bar-tier2{fill:#bf8700}',
  '.am-bar-tier3{fill:#57606a}',
  '.am-before{fill:#8c959f}',
  '.am-met{fill:#1a7f37}',
  '.am-not-met{fill:#cf222e}',
  '.am-met-text{fill:#1a7f37}',
  '.am-not-met-text{fill:#cf222e}',
  '.am-target{stroke:#1f2328;stroke-width:2}',
].join('');

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function serialize(node: SvgChild, indent: string, out: string[]): void {
  if (typeof node === 'string') {
    out.push(indent + escapeXml(node));
    return;
  }
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (!node.children.length) out.push(`${indent}<${node.tag}${attrs}/>`);
  else if (node.children.every((c) => typeof c === 'string')) out.push(`${indent}<${node.tag}${attrs}>${node.children.map((c) => escapeXml(c as string)).join('')}</${node.tag}>`);
  else {
    out.push(`${indent}<${node.tag}${attrs}>`);
    for (const c of node.children) serialize(c, `${indent}  `, out);
    out.push(`${indent}</${node.tag}>`);
  }
}

/** The chart as a standalone SVG file (UTF-8 text, LF line ends, final newline). */
export function svgText(chart: Chart): string {
  const root = chart.svg;
  // <title> and <desc> first (accessibility), then the style, then the drawing.
  const [titleEl, descEl, ...rest] = root.children;
  const withStyle: SvgElement = { ...root, children: [titleEl, descEl, el('style', {}, FILE_STYLE), ...rest] };
  const out: string[] = [];
  serialize(withStyle, '', out);
  return `${out.join('\n')}\n`;
}
