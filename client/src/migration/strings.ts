// Localized strings of the migration views. Every runtime string goes through vscode.l10n.t
// (English is the key; l10n/bundle.l10n.<lang>.json translates), and the webview receives the
// table below already localized: it has no strings of its own.
import * as vscode from 'vscode';
import { ACTION_IDS, type ActionId } from '../../../server/src/lsp/migration-protocol';
import type { Strings } from './protocol';

const t = vscode.l10n.t;

/** Localized titles of the engine's checklist steps, by step id. */
function stepTitles(): Strings {
  return {
    'step.prep': t('Preparation'),
    'step.analysis': t('Dependency analysis'),
    'step.migration': t('Migration'),
    'step.testing': t('Testing'),
    'step.review': t('Code review & merge'),
    'step.deploy': t('Deploy & monitor'),
  };
}

/** Localized titles of the engine's checklist items, by item id (the engine's English title is the fallback). */
function itemTitles(): Strings {
  return {
    'item.prep.branch': t('Branch created from an up-to-date main'),
    'item.prep.services': t('Services used identified'),
    'item.prep.twins': t('Async versions of the services available'),
    'item.analysis.dependencies': t('Services, repositories, external APIs, DB queries and Redis use analysed'),
    'item.analysis.doc': t('Analysis written to docs/async-migration/endpoints/'),
    'item.migration.imports': t('Imports: async services instead of sync ones'),
    'item.migration.async-def': t('Handler is async def'),
    'item.migration.session': t('AsyncSession = Depends(...) instead of a sync Session'),
    'item.migration.awaits': t('Service calls awaited'),
    'item.migration.queries': t('select() queries instead of db.query()'),
    'item.migration.redis': t('Redis operations awaited, no KEYS'),
    'item.testing.unit': t('Unit tests pass'),
    'item.testing.integration': t('Integration tests pass'),
    'item.testing.load': t('Load test (locust)'),
    'item.testing.manual': t('Manual check with curl'),
    'item.review.self': t('Self-review of git diff main...HEAD'),
    'item.review.premerge': t('Pre-merge checks'),
    'item.review.approvals': t('Approved by 2+ reviewers and merged'),
    'item.deploy.staging': t('Deployed to staging'),
    'item.deploy.monitor': t('Error log, P50/P95/P99 latency, error rate and throughput watched'),
    'item.deploy.production': t('Deployed to production'),
  };
}

export function webviewStrings(): Strings {
  return {
    ...stepTitles(),
    ...itemTitles(),
    'check.noDbQuery': t('No db.query() (only select() with await)'),
    'check.noSyncSession': t('No sync Session'),
    'check.servicesAsync': t('All services async'),
    'check.redisAwaited': t('Redis operations awaited'),
    'check.noUtcnow': t('No datetime.utcnow()'),
    'check.testsPass': t('Tests pass'),
    'check.noSyncImports': t('No sync service imports'),
    'status.sync': statusLabel('sync'),
    'status.in progress': statusLabel('in progress'),
    'status.migrated': statusLabel('migrated'),
    'status.verified': statusLabel('verified'),
    ...Object.fromEntries(ACTION_IDS.map((id) => [`action.${id}`, actionTitle(id)])),
    pick: t('Pick endpoint…'),
    pickLabel: t('Choose another endpoint'),
    openHandler: t('Open handler'),
    tier: t('Tier {0}'),
    status: t('Status'),
    stepProgress: t('{0}/{1}'),
    stepProgressLabel: t('{0} of {1} items done'),
    stepComplete: t('complete'),
    autoDone: t('Automatic check, done'),
    autoOpen: t('Automatic check, not done yet'),
    optional: t('optional'),
    openCount: t('{0} open'),
    jumpTo: t('Go to {0}, line {1}: {2}'),
    moreLocations: t('and {0} more'),
    tickedBy: t('ticked by {0}, {1}'),
    ticked: t('ticked {0}'),
    untrusted: t('Restricted Mode: the actions that run git or the tests are disabled. Trust this workspace to use them.'),
    disabledUntrusted: t('Disabled in Restricted Mode'),
    busy: t('Running…'),
    'empty.noEndpoint': t('Put the cursor inside a FastAPI route handler, or pick an endpoint.'),
    'empty.noRoutes': t('No FastAPI routes found in this workspace.'),
    'empty.starting': t('Indexing the workspace…'),
    'empty.error': t('The checklist could not be loaded: {0}'),
    progressError: t('docs/async-migration/progress.md: {0}'),
    branchHint: t('New branch: {0}'),
    lastRunPassed: t('Last run passed in {0} s ({1})'),
    lastRunFailed: t('Last run failed (exit code {0}) after {1} s ({2})'),
    lastRunNone: t('No test run recorded yet.'),
    'metrics.title': t('Latency and errors'),
    'metrics.phase': t('Measured'),
    'metrics.before': t('before'),
    'metrics.after': t('after'),
    'metrics.p50': t('P50 (ms)'),
    'metrics.p95': t('P95 (ms)'),
    'metrics.p99': t('P99 (ms)'),
    'metrics.errorRate': t('Error rate (%)'),
    'metrics.throughput': t('Throughput (req/s)'),
    'metrics.change': t('P95 change: {0} (target: −20 %)'),
    'metrics.met': t('target met'),
    'metrics.notMet': t('target not met'),
    'metrics.invalid': t('Enter P50, P95 and P99 as numbers of milliseconds (0 or more).'),
    'metrics.none': t('No latency recorded yet.'),
    'metrics.metric': t('Metric'),
    routeNote: t('Route: {0}'),
  };
}

export function statusLabel(status: string): string {
  switch (status) {
    case 'sync':
      return t('sync');
    case 'in progress':
      return t('in progress');
    case 'migrated':
      return t('migrated');
    case 'verified':
      return t('verified');
    default:
      return status;
  }
}

export function actionTitle(action: ActionId): string {
  switch (action) {
    case 'createBranch':
      return t('Create branch');
    case 'writeDoc':
      return t('Write analysis doc');
    case 'migrate':
      return t('Migrate this endpoint…');
    case 'runTests':
      return t('Run tests');
    case 'createLocust':
      return t('Create locust file');
    case 'copyCurl':
      return t('Copy curl command');
    case 'openDiff':
      return t('Review git diff main...HEAD');
    case 'recordMetrics':
      return t('Record latency');
  }
}

/**
 * The dashboard's chart strings, localized, by the keys of the engine's English table
 * (server/src/analysis/dashboard/charts.ts CHART_STRINGS; a unit test keeps the two in step).
 */
export function chartStrings(): Strings {
  return {
    'burnup.title': t('Endpoints async over time'),
    'burnup.desc': t('{0} of {1} endpoints async ({2} %) at {3}. Plan (seed): {4}.'),
    'burnup.noHistory': t('No history: {0}'),
    'burnup.plan': t('Plan (seed)'),
    'burnup.planStep': t('phase {0}: {1} % by week {2}'),
    'burnup.all': t('All endpoints'),
    'burnup.tier': t('Tier {0}'),
    'burnup.point': t('{0} ({1}): {2} % async ({3} of {4}); tier 1 {5} %, tier 2 {6} %, tier 3 {7} %'),
    'burnup.notAnalysed': t('{0} ({1}): not analysed ({2})'),
    'table.commit': t('Commit'),
    'table.date': t('Date'),
    'table.all': t('All'),
    'table.tier': t('Tier {0}'),
    'table.target': t('Plan'),
    'findings.title': t('Open findings per rule and tier'),
    'findings.desc': t('{0} open findings in endpoints and the code they call; tier 1: {1}, tier 2: {2}, tier 3: {3}.'),
    'findings.none': t('No open findings in endpoints and the code they call.'),
    'findings.byRule': t('Per rule'),
    'findings.byTier': t('Per tier'),
    'table.rule': t('Rule'),
    'table.count': t('Findings'),
    'latency.title': t('P95 latency before → after'),
    'latency.desc': t('{0} of {1} endpoints with P95 recorded before and after met the −20 % target.'),
    'latency.none': t('No endpoint has P95 recorded before and after yet (checklist step 6).'),
    'latency.before': t('before'),
    'latency.after': t('after'),
    'latency.target': t('−20 % target'),
    'latency.row': t('{0}: {1} → {2} ms ({3}), {4}'),
    'latency.met': t('target met'),
    'latency.notMet': t('target not met'),
    'table.endpoint': t('Endpoint'),
    'table.before': t('P95 before (ms)'),
    'table.after': t('P95 after (ms)'),
    'table.change': t('Change'),
    'table.met': t('Target −20 %'),
    yes: t('yes'),
    no: t('no'),
  };
}

/** Everything the dashboard webview shows (it has no strings of its own). */
export function dashboardStrings(): Strings {
  return {
    ...chartStrings(),
    'dash.title': t('Migration dashboard: {0}'),
    'dash.refresh': t('Refresh'),
    'dash.summary': t('{0} of {1} endpoints async ({2} %)'),
    'dash.tierShare': t('Tier {0}: {1} of {2} async ({3} %)'),
    'dash.statuses': t('{0} verified · {1} migrated · {2} in progress · {3} sync'),
    'dash.burnup': t('Burn-up: the plan against reality'),
    'dash.hurts': t('Where it hurts now'),
    'dash.faster': t('Did it get faster?'),
    'dash.loading': t('Computing the dashboard…'),
    'dash.error': t('The dashboard could not be computed: {0}'),
    'dash.historyLoading': t('Reading the branch history…'),
    'dash.historyProgress': t('Computing the history'),
    'dash.historyError': t('The history could not be computed: {0}'),
    'dash.historyCount': t('{0} of {1} commits of this branch (first parent); the plan starts {2}.'),
    'dash.chartKeys': t('Use the left and right arrow keys to go through the commits.'),
    'dash.showTable': t('Show as a table'),
    'dash.blockers': t('Endpoints with the most open findings'),
    'dash.noBlockers': t('No endpoint has open findings.'),
    'dash.blockerCounts': t('open findings: {0}, errors: {1}'),
    'dash.openHandler': t('Open the handler of {0}'),
    'dash.twins': t('Sync modules with an async twin (AM701)'),
    'dash.noTwins': t('No sync module has an async twin.'),
    'dash.safeToDelete': t('safe to delete: nothing imports it any more'),
    'dash.stillImported': t('still imported (importers: {0})'),
    'dash.openFile': t('Open {0}'),
    'dash.pending': t('Waiting for the P95 after the migration: {0}'),
  };
}
