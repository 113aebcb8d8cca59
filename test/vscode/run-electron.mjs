#!/usr/bin/env node
// Runs the in-VS-Code suite with @vscode/test-electron (downloads desktop VS
// Code into .vscode-test/). For machines that can reach the VS Code update
// service; on this project's machines use test/vscode/run-in-code-server.mjs.
// On Linux without a display, wrap it: xvfb-run -a node test/vscode/run-electron.mjs
//
// Usage: node test/vscode/run-electron.mjs [--extension DIR] [--tests FILE]
//          [--folder DIR] [--vscode-version stable|1.100.3] [--grep RE]
// Build the suite first: node scripts/build-vscode-tests.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    extension: { type: 'string', default: root },
    tests: { type: 'string', default: path.join(root, 'dist/test/vscode/index.js') },
    folder: { type: 'string', default: path.join(root, 'examples/gym-app') },
    'vscode-version': { type: 'string', default: process.env.VSCODE_VERSION || 'stable' },
    grep: { type: 'string' },
  },
});

// The tests edit and write into the workspace: open a fresh temporary copy, never the folder itself.
const copyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'async-migrate-electron-'));
const folder = path.join(copyRoot, path.basename(path.resolve(values.folder)));
fs.cpSync(path.resolve(values.folder), folder, { recursive: true, filter: (src) => !/(^|[\\/])(__pycache__|\.pytest_cache)$/.test(src) });

try {
  // ASYNC_MIGRATE_TEST_RESULT stays unset: results come back through run()'s
  // promise (exit code) and the reporter output; screenshot() is a no-op.
  const extensionTestsEnv = values.grep ? { ASYNC_MIGRATE_TEST_GREP: values.grep } : {};
  await runTests({
    version: values['vscode-version'],
    extensionDevelopmentPath: path.resolve(values.extension),
    extensionTestsPath: path.resolve(values.tests),
    extensionTestsEnv,
    launchArgs: [
      folder,
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-gpu',
    ],
  });
  console.log('vscode (electron): all tests passed');
} catch (err) {
  console.error(`vscode (electron): tests failed: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(copyRoot, { recursive: true, force: true });
}
