#!/usr/bin/env node
// `async-migrate` CLI: runs the bundled CLI (dist/server/cli.js, built by `npm run build`).
'use strict';
const path = require('path');
const fs = require('fs');

const bundle = path.join(__dirname, '..', 'dist', 'server', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`async-migrate: ${path.relative(process.cwd(), bundle) || bundle} is missing; run "npm run build" in ${path.join(__dirname, '..')} first\n`);
  process.exit(2);
}
require(bundle)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`async-migrate: internal error: ${(error && error.stack) || error}\n`);
      process.exitCode = 2;
    },
  );
