#!/usr/bin/env node
// `async-migrate-lsp --stdio`: the language server (dist/server/server.js, built by `npm run build`).
'use strict';
const path = require('path');
const fs = require('fs');

const bundle = path.join(__dirname, '..', 'dist', 'server', 'server.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`async-migrate-lsp: ${bundle} is missing; run "npm run build" in ${path.join(__dirname, '..')} first\n`);
  process.exit(2);
}

// The server's Node flags (server/src/lsp/runtime-flags.ts, a test keeps them equal). V8 reads
// them only at start-up, so an editor that runs this script gets them through a child node
// sharing our stdio; the VS Code client passes them itself.
const SERVER_EXEC_ARGV = ['--max-semi-space-size=4'];
if (SERVER_EXEC_ARGV.every((flag) => process.execArgv.includes(flag))) {
  require(bundle);
} else {
  const { spawn } = require('child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...SERVER_EXEC_ARGV, bundle, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`async-migrate-lsp: could not start the server: ${error.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
