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
