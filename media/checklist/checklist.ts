// The per-endpoint checklist webview. Renders the state the extension posts (validated with
// the shared protocol) and posts the user's intents back. It builds every node with
// createElement/textContent: endpoint names, routes, messages and paths are code data and are
// never parsed as HTML. No strings of its own: the extension sends them localized.
import {
  type ActionId,
  type ChecklistModel,
  type FromWebview,
  type LatencySample,
  parseToWebview,
  type ViewState,
} from '../../client/src/migration/protocol';
import type { ChecklistItem, ChecklistStep, JumpLocation } from '../../server/src/lsp/migration-protocol';
import { EXECUTING_ACTIONS, p95Change, meetsP95Target } from '../../server/src/lsp/migration-protocol';
import { type Child, fill, h } from '../webview-dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
const announcer = document.getElementById('announce');

let view: ViewState | undefined;
let notice: { level: 'info' | 'error'; text: string } | undefined;
/** Metric inputs typed but not saved yet, kept across re-renders. */
const draft: Record<string, string> = {};
let draftPhase: 'before' | 'after' = 'before';
let metricsError = false;

function post(message: FromWebview): void {
  api.postMessage(message);
}

// ------------------------------------------------------------------ DOM helpers

function s(key: string, ...args: (string | number)[]): string {
  return fill(view?.strings[key] ?? key, args);
}

function has(key: string): boolean {
  return !!view && Object.prototype.hasOwnProperty.call(view.strings, key);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(document.documentElement.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function announce(text: string): void {
  if (announcer) announcer.textContent = text;
}

// ------------------------------------------------------------------ rendering

function render(): void {
  const active = document.activeElement as HTMLElement | null;
  const focusKey = active?.dataset?.focus;
  root.replaceChildren(...content());
  if (focusKey) {
    const again = root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusKey)}"]`);
    again?.focus();
  }
}

function content(): Node[] {
  if (!view) return [];
  const out: Node[] = [];
  if (!view.trusted) out.push(h('p', { class: 'banner warning', attrs: { role: 'note' } }, s('untrusted')));
  if (notice) out.push(h('p', { class: `banner ${notice.level}`, attrs: { role: notice.level === 'error' ? 'alert' : 'status' } }, notice.text));
  const model = view.model;
  if (!model) {
    const key = `empty.${view.empty ?? 'noEndpoint'}`;
    out.push(h('p', { class: 'empty' }, view.empty === 'error' ? s(key, view.error ?? '') : s(key)));
    out.push(pickButton());
    return out;
  }
  out.push(header(model));
  if (model.progressError) out.push(h('p', { class: 'banner error', attrs: { role: 'alert' } }, s('progressError', model.progressError)));
  for (const step of model.steps) out.push(stepSection(model, step));
  return out;
}

function pickButton(): HTMLElement {
  const b = h('button', { class: 'secondary', attrs: { type: 'button', 'data-focus': 'pick', 'aria-label': s('pickLabel') } }, s('pick'));
  b.addEventListener('click', () => post({ type: 'pick' }));
  return b;
}

function header(model: ChecklistModel): HTMLElement {
  const e = model.endpoint;
  const title = h('h2', { class: 'endpoint-title' }, h('span', { class: `method method-${e.method.toLowerCase().replace(/[^a-z]/g, '')}` }, e.method), ' ', h('span', { class: 'route' }, e.route));
  const open = h('button', { class: 'link', attrs: { type: 'button', 'data-focus': 'open-handler', title: s('openHandler') } }, `${e.function} · ${e.path}:${e.line + 1}`);
  open.addEventListener('click', () => post({ type: 'openHandler', endpoint: model.ref }));
  const tier = h('span', { class: `tier tier-${e.tier}` }, s('tier', e.tier));
  const status = h('span', { class: `status status-${e.status.replace(/\s+/g, '-')}` }, has(`status.${e.status}`) ? s(`status.${e.status}`) : e.status);
  const meta = h(
    'div',
    { class: 'meta' },
    tier,
    ' ',
    h('span', { class: 'tier-reason' }, e.tierReason),
  );
  // Why it is still sync / in progress; for migrated the open checklist items below say it.
  const reasons = e.status === 'sync' || e.status === 'in progress' ? e.statusReasons : [];
  const statusLine = h('div', { class: 'meta' }, h('span', { class: 'visually-hidden' }, `${s('status')}: `), status, reasons.length ? h('span', { class: 'muted' }, ` ${reasons.join('; ')}`) : null);
  const note = e.routeNote ? h('div', { class: 'muted small' }, s('routeNote', e.routeNote)) : null;
  return h('header', { class: 'endpoint' }, title, h('div', { class: 'row' }, open, pickButton()), meta, statusLine, note);
}

function stepSection(model: ChecklistModel, step: ChecklistStep): HTMLElement {
  const headingId = `step-${step.number}`;
  const titleText = has(`step.${step.id}`) ? s(`step.${step.id}`) : step.title;
  const progress = h('span', { class: `progress${step.complete ? ' complete' : ''}`, attrs: { 'aria-label': s('stepProgressLabel', step.done, step.total) } }, s('stepProgress', step.done, step.total));
  const heading = h(
    'h3',
    { attrs: { id: headingId } },
    h('span', { class: `step-mark${step.complete ? ' complete' : ''}`, attrs: { 'aria-hidden': 'true' } }),
    `${step.number}. ${titleText}`,
    ' ',
    progress,
    step.complete ? h('span', { class: 'visually-hidden' }, ` (${s('stepComplete')})`) : null,
  );
  const list = h('ul', { class: 'items' });
  for (const item of step.items) list.append(itemRow(model, item));
  const section = h('section', { class: `step${step.complete ? ' complete' : ''}`, attrs: { 'aria-labelledby': headingId, 'data-step': step.id } }, heading, list);
  const extra = stepExtra(model, step);
  if (extra) section.append(extra);
  if (step.actions.length) section.append(actions(model, step.actions));
  return section;
}

function itemRow(model: ChecklistModel, item: ChecklistItem): HTMLElement {
  const label = has(`item.${item.id}`) ? s(`item.${item.id}`) : item.title;
  const labelId = `label-${item.id.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  const li = h('li', { class: `item ${item.kind}${item.done ? ' done' : ''}`, attrs: { 'data-item': item.id } });
  let control: HTMLElement;
  if (item.kind === 'manual') {
    control = h('span', {
      class: 'box',
      attrs: { role: 'checkbox', tabindex: '0', 'aria-checked': String(item.done), 'aria-labelledby': labelId, 'data-focus': `item:${item.id}` },
    });
    const toggle = () => {
      const done = control.getAttribute('aria-checked') !== 'true';
      control.setAttribute('aria-checked', String(done)); // optimistic; the extension re-sends the state
      li.classList.toggle('done', done);
      post({ type: 'toggle', endpoint: model.ref, item: item.id, done });
    };
    control.addEventListener('click', toggle);
    control.addEventListener('keydown', (event) => {
      if (event.key === ' ' || event.key === 'Enter') {
        event.preventDefault();
        toggle();
      }
    });
  } else {
    control = h('span', { class: `auto-mark${item.done ? ' done' : ''}`, attrs: { role: 'img', 'aria-label': item.done ? s('autoDone') : s('autoOpen') } });
  }
  const text = h('span', { class: 'label', attrs: { id: labelId } }, label);
  const line = h('div', { class: 'item-line' }, control, text);
  if (item.optional) line.append(h('span', { class: 'tag' }, s('optional')));
  if (item.count) line.append(h('span', { class: 'count', attrs: { 'aria-label': s('openCount', item.count) } }, String(item.count)));
  li.append(line);
  const details = h('div', { class: 'details' });
  if (item.codes && Object.keys(item.codes).length) {
    details.append(h('div', { class: 'codes' }, ...Object.entries(item.codes).map(([code, n]) => h('span', { class: 'code-chip' }, `${code} × ${n}`))));
  }
  if (item.facts?.length) details.append(h('ul', { class: 'facts' }, ...item.facts.map((f) => h('li', {}, h('code', {}, f)))));
  if (item.checks?.length) {
    details.append(
      h(
        'ul',
        { class: 'checks' },
        ...item.checks.map((c) =>
          h(
            'li',
            { class: c.done ? 'done' : '' },
            h('span', { class: `auto-mark small${c.done ? ' done' : ''}`, attrs: { role: 'img', 'aria-label': c.done ? s('autoDone') : s('autoOpen') } }),
            has(`check.${c.id}`) ? s(`check.${c.id}`) : c.id,
            c.count ? h('span', { class: 'count' }, String(c.count)) : null,
          ),
        ),
      ),
    );
  }
  if (item.locations?.length) details.append(locations(model, item));
  if (item.kind === 'manual' && item.done && item.at) details.append(h('div', { class: 'muted small' }, item.by ? s('tickedBy', item.by, formatDate(item.at)) : s('ticked', formatDate(item.at))));
  if (item.note) details.append(h('div', { class: 'muted small' }, h('code', {}, item.note)));
  if (details.childNodes.length) li.append(details);
  return li;
}

function locations(model: ChecklistModel, item: ChecklistItem): HTMLElement {
  const list = h('ul', { class: 'locations' });
  (item.locations ?? []).forEach((loc: JumpLocation, index) => {
    const where = `${basename(loc.path)}:${loc.line + 1}`;
    const b = h(
      'button',
      { class: 'link location', attrs: { type: 'button', title: loc.text, 'aria-label': s('jumpTo', loc.path, loc.line + 1, loc.text), 'data-focus': `loc:${item.id}:${index}` } },
      loc.code ? h('span', { class: 'code-chip' }, loc.code) : null,
      where,
    );
    b.addEventListener('click', () => post({ type: 'reveal', endpoint: model.ref, item: item.id, index }));
    list.append(h('li', {}, b));
  });
  const hidden = (item.count ?? 0) - (item.locations?.length ?? 0);
  if (hidden > 0) list.append(h('li', { class: 'muted small' }, s('moreLocations', hidden)));
  return list;
}

function stepExtra(model: ChecklistModel, step: ChecklistStep): HTMLElement | null {
  switch (step.number) {
    case 1: {
      // The branch to create (hidden once the branch item is ticked: its note names the branch).
      const branch = step.items.find((i) => i.id === 'prep.branch');
      return branch?.done ? null : h('p', { class: 'muted small' }, s('branchHint', ''), h('code', {}, model.templates.branch));
    }
    case 4:
      return testInfo(model);
    case 6:
      return metrics(model);
    default:
      return null;
  }
}

function testInfo(model: ChecklistModel): HTMLElement {
  const run = model.lastTestRun;
  if (!run) return h('p', { class: 'muted small' }, s('lastRunNone'));
  const seconds = (run.durationMs / 1000).toFixed(1);
  const text = run.passed ? s('lastRunPassed', seconds, formatDate(run.at)) : s('lastRunFailed', run.exitCode ?? '?', seconds, formatDate(run.at));
  return h('p', { class: `test-result ${run.passed ? 'passed' : 'failed'}` }, h('span', { class: `auto-mark small${run.passed ? ' done' : ' failed'}`, attrs: { 'aria-hidden': 'true' } }), text);
}

const METRIC_FIELDS = ['p50', 'p95', 'p99', 'errorRate', 'throughput'] as const;

function metrics(model: ChecklistModel): HTMLElement {
  const box = h('div', { class: 'metrics' }, h('h4', {}, s('metrics.title')));
  const { before, after } = model.metrics;
  if (before || after) {
    const table = h('table', {}, h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, s('metrics.metric')), h('th', { attrs: { scope: 'col' } }, s('metrics.before')), h('th', { attrs: { scope: 'col' } }, s('metrics.after')))));
    const body = h('tbody');
    for (const f of METRIC_FIELDS) {
      const b = before?.[f];
      const a = after?.[f];
      if (b === undefined && a === undefined) continue;
      body.append(h('tr', {}, h('th', { attrs: { scope: 'row' } }, s(`metrics.${f}`)), h('td', {}, b === undefined ? '–' : String(b)), h('td', {}, a === undefined ? '–' : String(a))));
    }
    table.append(body);
    box.append(table);
    const change = p95Change(model.metrics);
    if (change !== undefined) {
      const met = meetsP95Target(model.metrics);
      const pct = `${change > 0 ? '+' : change < 0 ? '−' : ''}${Math.abs(change * 100).toFixed(1)} %`;
      box.append(h('p', { class: `p95 ${met ? 'passed' : 'failed'}` }, s('metrics.change', pct), ' — ', met ? s('metrics.met') : s('metrics.notMet')));
    }
  } else box.append(h('p', { class: 'muted small' }, s('metrics.none')));
  box.append(metricsForm(model));
  return box;
}

function metricsForm(model: ChecklistModel): HTMLElement {
  const form = h('form', { class: 'metrics-form', attrs: { novalidate: '' } });
  const phase = h('select', { attrs: { id: 'metrics-phase', 'data-focus': 'metrics-phase' } });
  for (const p of ['before', 'after'] as const) {
    const o = h('option', { attrs: { value: p } }, s(`metrics.${p}`));
    if (p === draftPhase) o.selected = true;
    phase.append(o);
  }
  phase.addEventListener('change', () => (draftPhase = phase.value === 'after' ? 'after' : 'before'));
  form.append(h('label', { attrs: { for: 'metrics-phase' } }, s('metrics.phase')), phase);
  for (const f of METRIC_FIELDS) {
    const id = `metric-${f}`;
    const input = h('input', { attrs: { id, type: 'number', min: '0', step: 'any', inputmode: 'decimal', 'data-focus': id, 'data-field': f } });
    input.value = draft[f] ?? '';
    if (metricsError && f !== 'errorRate' && f !== 'throughput') input.setAttribute('aria-invalid', String(!isNumber(draft[f])));
    input.addEventListener('input', () => (draft[f] = input.value));
    form.append(h('label', { attrs: { for: id } }, s(`metrics.${f}`)), input);
  }
  if (metricsError) form.append(h('p', { class: 'form-error', attrs: { role: 'alert' } }, s('metrics.invalid')));
  const save = h('button', { attrs: { type: 'submit', 'data-focus': 'action:recordMetrics' } }, s('action.recordMetrics'));
  form.append(save);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const sample = readSample();
    if (!sample) {
      metricsError = true;
      render();
      return;
    }
    metricsError = false;
    for (const f of METRIC_FIELDS) delete draft[f];
    post({ type: 'metrics', endpoint: model.ref, phase: draftPhase, sample });
    render();
  });
  return form;
}

function isNumber(text: string | undefined): boolean {
  if (text === undefined || text.trim() === '') return false;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0;
}

function readSample(): LatencySample | undefined {
  if (!isNumber(draft.p50) || !isNumber(draft.p95) || !isNumber(draft.p99)) return undefined;
  const sample: LatencySample = { p50: Number(draft.p50), p95: Number(draft.p95), p99: Number(draft.p99) };
  for (const f of ['errorRate', 'throughput'] as const) {
    const v = draft[f];
    if (v === undefined || v.trim() === '') continue;
    if (!isNumber(v) || (f === 'errorRate' && Number(v) > 100)) return undefined;
    sample[f] = Number(v);
  }
  return sample;
}

function actions(model: ChecklistModel, ids: ActionId[]): HTMLElement {
  const bar = h('div', { class: 'actions' });
  for (const id of ids) {
    if (id === 'recordMetrics') continue; // the form's own button
    const blocked = !view!.trusted && EXECUTING_ACTIONS.has(id);
    const busy = view!.busy.includes(id);
    const b = h(
      'button',
      {
        class: id === 'migrate' ? 'primary' : 'secondary',
        attrs: {
          type: 'button',
          'data-action': id,
          'data-focus': `action:${id}`,
          title: blocked ? s('disabledUntrusted') : undefined,
          'aria-busy': busy ? 'true' : undefined,
        },
      },
      busy ? s('busy') : s(`action.${id}`),
    );
    if (blocked || busy) {
      b.disabled = true;
      if (blocked) b.setAttribute('aria-description', s('disabledUntrusted'));
    }
    b.addEventListener('click', () => post({ type: 'action', endpoint: model.ref, action: id }));
    bar.append(b);
    if (blocked) bar.append(h('span', { class: 'muted small blocked-reason' }, s('disabledUntrusted')));
  }
  return bar;
}

// ------------------------------------------------------------------ messages

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseToWebview(event.data);
  if (!message) {
    console.warn('async-migrate checklist: ignored a malformed message');
    return;
  }
  switch (message.type) {
    case 'state': {
      const previous = view?.model?.ref;
      view = message.state;
      const current = view.model?.ref;
      if (previous && current && (previous.id !== current.id || previous.folder !== current.folder)) {
        notice = undefined;
        metricsError = false;
        announce(`${view.model!.endpoint.method} ${view.model!.endpoint.route}`);
      }
      api.setState({ ref: current });
      break;
    }
    case 'busy':
      if (view) view = { ...view, busy: message.busy };
      break;
    case 'notice':
      notice = { level: message.level, text: message.text };
      announce(message.text);
      break;
  }
  render();
});

post({ type: 'ready' });
