/**
 * Every in-VS-Code test file, loaded in this order. Add a line per file.
 * `require` (not `import`) keeps each file's top level lazy, so its
 * describe()/it() calls run only after mocha has set up its globals; esbuild
 * still bundles each file.
 */
const MAIN: { file: string; load: () => unknown }[] = [
  { file: 'smoke.test.ts', load: () => require('./smoke.test') },
  { file: 'extension.test.ts', load: () => require('./extension.test') },
  { file: 'checklist.test.ts', load: () => require('./checklist.test') },
  { file: 'walkthrough.test.ts', load: () => require('./walkthrough.test') },
];

/** Runs in its own pass, on a workspace with a scripted git history (scripts/test-vscode.sh). */
const DASHBOARD = [{ file: 'dashboard.test.ts', load: () => require('./dashboard.test') }];

export const suites: { file: string; load: () => unknown }[] = process.env.ASYNC_MIGRATE_DASHBOARD_REPO ? DASHBOARD : MAIN;
