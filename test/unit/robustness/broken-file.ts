// A file with a syntax error and two fixes, for the tests of what is offered and applied in a
// broken file: AM102's rewrite of the query in `already_async` makes tree-sitter's error recovery
// worse (a fuzz mutant of our AM102 fixture, data/broken-class-mutant.py); AM601's fix of the
// `time.sleep` in `pause` leaves the file parsing no worse.
import * as fs from 'fs';
import * as path from 'path';

export const BROKEN_FILE_WITH_FIXES =
  'import time\n' + fs.readFileSync(path.join(__dirname, 'data', 'broken-class-mutant.py'), 'utf8') + '\n\nasync def pause() -> None:\n    time.sleep(1)\n';

/** Titles of the fix that parses worse and of the one that does not. */
export const REFUSED_FIX = 'Rewrite as select() (SQLAlchemy 2.0)';
export const OFFERED_FIX = 'Replace with await asyncio.sleep(...)';
export const REFUSED_REASON = 'the file has syntax errors and this edit would make it parse worse: fix the syntax first';
