// The migration dashboard webview. Renders the state the extension posts (validated with the
// shared protocol) and posts the user's intents back. Charts come from the engine's own chart
// code (server/src/analysis/dashboard/charts.ts) as element trees turned into SVG DOM nodes
// here; every node is built with createElement(NS)/textContent — endpoint ids, paths and
// commit subjects are code data and are never parsed as markup. No strings of its own.
import { type Chart, type ChartTable, type SvgElement, burnupChart, findingsChart, latencyChart, num } from '../../server/src/analysis/dashboard/charts';
import { type DashboardModel, type DashboardState, type FromDashboard, parseToDashboard } from '../../client/src/migration/dashboard-protocol';
import { type Child, fill, h } from '../webview-dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const SVG_NS = 'http://www.w3.org/2000/svg';
const api = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
const announcer = document.getElementById('announce');

let view: DashboardState | undefined;
let progress: { percent: number; message: string } | undefined;
/** The burn-up point selected with the arrow keys (index into the analysed samples). */
let selectedPoint = -1;

function post(message: FromDashboard): void {
  api.postMessage(message);
}

// ------------------------------------------------------------------ DOM helpers

function s(key: string, ...args: (string | number)[]): string {
  return fill(view?.strings[key] ?? key, args);
}

function announce(text: string): void {
  if (announcer) announcer.textContent = text;
}

/** SVG DOM from the chart code's element tree (attributes and text nodes only). */
function svgNode(e: SvgElement): SVGElement {
  const node = document.createElementNS(SVG_NS, e.tag);
  for (const [k, v] of Object.entries(e.attrs)) if (k !== 'xmlns') node.setAttribute(k, v);
  for (const c of e.children) node.append(typeof c === 'string' ? document.createTextNode(c) : svgNode(c));
  return node;
}

// ------------------------------------------------------------------ rendering

function render(): void {
  const active = document.activeElement as HTMLElement | null;
  const focusKey = active?.dataset?.focus;
  root.replaceChildren(...content());
  if (focusKey) root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
}

function content(): Node[] {
  if (!view) return [];
  const out: Node[] = [];
  const refresh = h('button', { class: 'secondary', attrs: { type: 'button', 'data-focus': 'refresh' } }, s('dash.refresh'));
  refresh.addEventListener('click', () => post({ type: 'refresh' }));
  out.push(h('header', { class: 'top' }, h('h1', {}, s('dash.title', view.folder)), refresh));
  if (view.error) out.push(h('p', { class: 'banner error', attrs: { role: 'alert' } }, view.model ? s('dash.historyError', view.error) : s('dash.error', view.error)));
  const model = view.model;
  if (!model) {
    if (!view.error) out.push(h('p', { class: 'empty', attrs: { role: 'status' } }, s('dash.loading')));
    return out;
  }
  out.push(summary(model));
  out.push(burnupSection(model));
  out.push(hurtsSection(model));
  out.push(fasterSection(model));
  return out;
}

function summary(model: DashboardModel): HTMLElement {
  const sh = model.share;
  const st = model.statuses;
  const tiers = h('ul', { class: 'tiers' }, ...sh.tiers.filter((t) => t.total).map((t) => h('li', { class: `tier tier-${t.tier}` }, s('dash.tierShare', t.tier, t.async, t.total, num(t.percent)))));
  return h('section', { class: 'summary', attrs: { 'aria-label': s('dash.summary', sh.async, sh.total, num(sh.percent)) } }, h('p', { class: 'headline' }, s('dash.summary', sh.async, sh.total, num(sh.percent))), tiers, h('p', { class: 'muted' }, s('dash.statuses', st.verified, st.migrated, st.inProgress, st.sync)));
}

function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel', attrs: { 'aria-labelledby': `${id}-heading`, id } }, h('h2', { attrs: { id: `${id}-heading` } }, title), ...children);
}

function chartFigure(chart: Chart, interactive = false): HTMLElement {
  const svg = svgNode(chart.svg);
  const figure = h('figure', { class: 'chart', attrs: { 'data-chart': chart.id } });
  const holder = h('div', { class: 'chart-scroll' });
  holder.append(svg);
  if (interactive) {
    holder.tabIndex = 0;
    holder.dataset.focus = `chart-${chart.id}`;
    holder.setAttribute('role', 'group');
    holder.setAttribute('aria-label', `${chart.title}. ${s('dash.chartKeys')}`);
    holder.addEventListener('keydown', (e) => onChartKey(e, holder));
  }
  figure.append(holder, h('figcaption', { class: 'muted small' }, chart.desc), tableDetails(chart.table, chart.id));
  return figure;
}

function tableDetails(table: ChartTable, id: string): HTMLElement {
  const head = h('tr', {}, ...table.headers.map((x) => h('th', { attrs: { scope: 'col' } }, x)));
  const body = h('tbody', {}, ...table.rows.map((r) => h('tr', {}, ...r.map((c, i) => (i === 0 ? h('th', { attrs: { scope: 'row' } }, c) : h('td', {}, c))))));
  const summaryEl = h('summary', { attrs: { 'data-focus': `table-${id}` } }, s('dash.showTable'));
  return h('details', { class: 'chart-table' }, summaryEl, h('table', {}, h('caption', { class: 'visually-hidden' }, table.caption), h('thead', {}, head), body));
}

function onChartKey(e: KeyboardEvent, holder: HTMLElement): void {
  const points = [...holder.querySelectorAll<SVGCircleElement>('circle.am-point')];
  if (!points.length) return;
  let next = selectedPoint;
  if (e.key === 'ArrowRight') next = Math.min(points.length - 1, selectedPoint + 1);
  else if (e.key === 'ArrowLeft') next = selectedPoint < 0 ? points.length - 1 : Math.max(0, selectedPoint - 1);
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = points.length - 1;
  else return;
  e.preventDefault();
  selectPoint(points, next);
}

function selectPoint(points: SVGCircleElement[], index: number): void {
  selectedPoint = index;
  points.forEach((p, i) => p.classList.toggle('am-selected', i === index));
  const label = points[index]?.querySelector('title')?.textContent ?? '';
  announce(label);
  const holder = points[index]?.closest('.chart-scroll');
  holder?.setAttribute('data-selected', String(index));
}

function burnupSection(model: DashboardModel): HTMLElement {
  const chart = burnupChart(model, view!.strings);
  const parts: Child[] = [];
  if (view!.history === 'loading') {
    const pct = Math.round(progress?.percent ?? 0);
    const bar = h('progress', { attrs: { max: '100', value: String(pct), 'aria-label': s('dash.historyProgress'), 'aria-valuetext': progress?.message || s('dash.historyLoading') } });
    parts.push(h('div', { class: 'loading', attrs: { role: 'status' } }, bar, h('span', { class: 'muted small' }, progress?.message ? `${pct} % · ${progress.message}` : s('dash.historyLoading'))));
  }
  const history = model.history;
  if (history && !history.note) parts.push(h('p', { class: 'muted small' }, s('dash.historyCount', history.samples.length, history.commits, history.start ? history.start.slice(0, 10) : '—')));
  if (history || view!.history !== 'loading') parts.push(chartFigure(chart, true));
  const fig = parts[parts.length - 1];
  if (fig instanceof HTMLElement && selectedPoint >= 0) {
    const points = [...fig.querySelectorAll<SVGCircleElement>('circle.am-point')];
    if (selectedPoint < points.length) points[selectedPoint].classList.add('am-selected');
  }
  return section('burn-up', s('dash.burnup'), ...parts);
}

function hurtsSection(model: DashboardModel): HTMLElement {
  const blockers = model.blockers.length
    ? h(
        'ol',
        { class: 'blockers' },
        ...model.blockers.map((b, i) => {
          const open = h('button', { class: 'link', attrs: { type: 'button', 'data-focus': `blocker-${i}`, 'aria-label': s('dash.openHandler', b.id) } }, h('span', { class: `method` }, b.method), ' ', h('span', { class: 'route' }, b.route));
          open.addEventListener('click', () => post({ type: 'openEndpoint', id: b.id }));
          const codes = Object.entries(b.codes)
            .sort(([a], [c]) => (a < c ? -1 : 1))
            .map(([code, n]) => `${code} × ${n}`)
            .join(', ');
          // Why it is not migrated yet: the engine's reasons (code facts, like the checklist's status line).
          const reasons = b.status === 'sync' ? [] : b.reasons;
          return h(
            'li',
            { attrs: { 'data-endpoint': b.id } },
            open,
            ' ',
            h('span', { class: `tier-badge tier-${b.tier}` }, s('burnup.tier', b.tier)),
            h('div', { class: 'muted small' }, `${s('dash.blockerCounts', b.findings, b.errors)} · ${codes}`),
            reasons.length ? h('div', { class: 'small reasons' }, reasons.join('; ')) : null,
            h('div', { class: 'muted small' }, h('code', {}, `${b.function} · ${b.path}:${b.line}`)),
          );
        }),
      )
    : h('p', { class: 'muted' }, s('dash.noBlockers'));
  const twins = model.twins.length
    ? h(
        'ul',
        { class: 'twins' },
        ...model.twins.map((tw, i) => {
          const open = h('button', { class: 'link', attrs: { type: 'button', 'data-focus': `twin-${i}`, 'aria-label': s('dash.openFile', tw.sync) } }, h('code', {}, tw.sync));
          open.addEventListener('click', () => post({ type: 'openFile', path: tw.sync }));
          const state = tw.safeToDelete ? h('span', { class: 'safe' }, s('dash.safeToDelete')) : h('span', { class: 'imported' }, s('dash.stillImported', tw.importers.length));
          const importers = tw.importers.length ? h('ul', { class: 'importers muted small' }, ...tw.importers.map((p) => h('li', {}, h('code', {}, p)))) : null;
          return h('li', { attrs: { 'data-twin': tw.sync } }, open, ' ↔ ', h('code', {}, tw.async), ' — ', state, importers);
        }),
      )
    : h('p', { class: 'muted' }, s('dash.noTwins'));
  return section('hurts', s('dash.hurts'), chartFigure(findingsChart(model, view!.strings)), h('h3', {}, s('dash.blockers')), blockers, h('h3', {}, s('dash.twins')), twins);
}

function fasterSection(model: DashboardModel): HTMLElement {
  const pending = model.latencyPending.length ? h('p', { class: 'muted small' }, s('dash.pending', model.latencyPending.join(', '))) : null;
  return section('faster', s('dash.faster'), chartFigure(latencyChart(model, view!.strings)), pending);
}

// ------------------------------------------------------------------ messages

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseToDashboard(event.data);
  if (!message) {
    console.warn('async-migrate dashboard: ignored a malformed message');
    return;
  }
  if (message.type === 'progress') {
    progress = { percent: message.percent, message: message.message };
    // Update the bar in place (no full re-render while the user reads).
    const bar = root.querySelector('progress');
    const label = root.querySelector('.loading span');
    if (bar && label) {
      bar.value = Math.round(message.percent);
      bar.setAttribute('aria-valuetext', message.message);
      label.textContent = `${Math.round(message.percent)} % · ${message.message}`;
      return;
    }
  } else {
    const before = view?.history;
    view = message.state;
    if (view.history !== 'loading') progress = undefined;
    if (before === 'loading' && view.history === 'ready' && view.model?.history) {
      const last = view.model.history.samples[view.model.history.samples.length - 1];
      if (last?.share) announce(s('dash.summary', last.share.async, last.share.total, num(last.share.percent)));
    }
  }
  render();
});

post({ type: 'ready' });
