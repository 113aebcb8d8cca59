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
require(bundle);
