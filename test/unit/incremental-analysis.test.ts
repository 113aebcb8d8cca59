// Per-definition incremental analysis (analysis/incremental.ts) and incremental summary
// (summary.ts summarizeIncremental) must equal a from-scratch analysis and summary after every
// edit, on real-shaped files (the example app and the corpus): random inserts/deletes/pastes
// with unbalanced brackets and quotes, plus edits that switch a def's async-ness, rename a def,
// change an import, a decorator or route, a class member, and edit a body. Seeded; a mismatch fails with the
// seed, the file and the whole edit sequence (rerun with AM_FUZZ_SEED=<seed>).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSource, runRules, summarizeSource, summarizeSourceIncremental } from '../../server/src/analysis/engine';
import { analyzeFileIncremental, type IncrementalState } from '../../server/src/analysis/incremental';
import { initParser } from '../../server/src/analysis/parser';
import { RULES } from '../../server/src/analysis/rules/registry';
import { applyEdits } from '../../server/src/analysis/fixes/edits';
import { syntaxErrorCount } from '../../server/src/analysis/source';
import { withoutStatementMemos } from '../../server/src/analysis/statement-memo';
import type { ModuleSummary, SummaryState } from '../../server/src/analysis/summary';
import type { Finding } from '../../server/src/analysis/types';
import { sameSummarySignature, summarySignature } from '../../server/src/analysis/workspace';
import { loadProject, type LoadedProject } from '../../server/src/project';
import { type RandomEdit, applyEdit, prng, randomEdit, seedFromEnv } from './lsp/random-edits';
import { generateLargeFile } from '../../bench/synthetic';

const ROOT = path.resolve(__dirname, '../..');

/** Edits that change what a definition is, not just its text. */
function structuralEdit(text: string, random: () => number): RandomEdit | undefined {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const r = random();
  if (r < 0.25) {
    // Switch a def's async-ness.
    const defs = [...text.matchAll(/^([ \t]*)(async )?def /gm)];
    if (!defs.length) return undefined;
    const m = pick(defs);
    const at = m.index! + m[1].length;
    return m[2] ? { start: at, end: at + 6, text: '' } : { start: at, end: at, text: 'async ' };
  }
  if (r < 0.4) {
    // Rename a def (callers elsewhere keep the old name).
    const defs = [...text.matchAll(/def ([A-Za-z_]\w*)\(/g)];
    if (!defs.length) return undefined;
    const m = pick(defs);
    const at = m.index! + 4 + m[1].length;
    return { start: at, end: at, text: pick(['_v2', 'x', '_async']) };
  }
  if (r < 0.6) return memberEdit(text, random);
  if (r < 0.8) {
    // Change, add or drop an import.
    const imports = [...text.matchAll(/^(from [\w.]+ import [^\n]*|import [^\n]*)$/gm)];
    if (!imports.length || random() < 0.3) return { start: 0, end: 0, text: pick(['import time\n', 'from sqlalchemy.orm import Session\n', 'import redis.asyncio as redis\n', 'from datetime import datetime\n']) };
    const m = pick(imports);
    const end = m.index! + m[0].length;
    return random() < 0.5 ? { start: m.index!, end: end + 1, text: '' } : { start: end, end, text: pick([', datetime', ', Session', ' as renamed']) };
  }
  return bodyLineEdit(text, random);
}

/** A statement or a comment inserted after a body line, at its indentation. */
function bodyLineEdit(text: string, random: () => number): RandomEdit | undefined {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const lines = [...text.matchAll(/^([ \t]+)\S[^\n]*$/gm)];
  if (!lines.length) return undefined;
  const m = pick(lines);
  const at = m.index! + m[0].length;
  const statements = ['# note', 'time.sleep(1)', 'x = datetime.utcnow()', 'db.commit()', 'await asyncio.sleep(0)', 'return None', 'keys = redis.keys("a:*")', 'y = "("'];
  // Another caller of a module-level function (a query helper, a def made async) or another use
  // of an imported name (a sync service): what AM101/AM102/AM202/AM203 read in other definitions.
  const moduleDefs = [...text.matchAll(/^(?:async )?def ([A-Za-z_]\w*)\(/gm)].map((d) => d[1]);
  const imported = [...text.matchAll(/^from [\w.]+ import ([\w, ]+)$/gm)].flatMap((i) => i[1].split(',').map((n) => n.trim().split(' ').pop()!)).filter(Boolean);
  // (`s` is no known session: handing over `db` changes the function's summary, and then the
  // whole file is re-analysed, which proves nothing about reuse.)
  const session = pick(['s', 's', 'db']);
  if (moduleDefs.length) statements.push(`q = ${pick(moduleDefs)}(${session})`, `n = ${pick(moduleDefs)}(${session}).count()`, `await ${pick(moduleDefs)}(${session})`);
  if (imported.length) statements.push(`v = ${pick(imported)}`, `r = ${pick(imported)}.get_user(${session}, 1)`, `r = await ${pick(imported)}.count_users(${session})`, `r = ${pick(imported)}(${session}, 1)`);
  return { start: at, end: at, text: `\n${m[1]}${pick(statements)}` };
}

/** Edits of what the summary holds beyond names: decorators and routes, class members, nested imports, `global`, `:=`. */
function memberEdit(text: string, random: () => number): RandomEdit | undefined {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const r = random();
  const topDefs = [...text.matchAll(/^(async def|def|class) /gm)];
  const decorators = [...text.matchAll(/^([ \t]*)@[^\n]*\n/gm)];
  if (r < 0.25 && topDefs.length) {
    // Decorate a top-level def or class (a route, a dependency, an unknown class decorator).
    const m = pick(topDefs);
    return { start: m.index!, end: m.index!, text: pick(['@router.get("/added")\n', '@app.post(API_PREFIX + "/x")\n', '@router.api_route("/r", methods=["GET", "PUT"])\n', '@dataclass\n', '@(route := router.get("/w"))\n']) };
  }
  if (r < 0.45 && decorators.length) {
    // Drop a decorator, or change its path string.
    const m = pick(decorators);
    const quote = m[0].indexOf('"');
    if (quote < 0 || random() < 0.5) return { start: m.index!, end: m.index! + m[0].length, text: '' };
    return { start: m.index! + quote + 1, end: m.index! + quote + 1, text: pick(['v2/', '{id}/', '']) };
  }
  const bodies = [...text.matchAll(/^((?:async )?def |class )[^\n]*:[ \t]*\n([ \t]+)/gm)];
  if (!bodies.length) return undefined;
  // A first body line: a class member, a self attribute, a nested import, a `global`.
  const m = pick(bodies);
  const at = m.index! + m[0].length;
  const line = pick(['__tablename__ = "things"', 'items = relationship("Item", lazy="selectin")', 'self.redis = aioredis.from_url(url)', 'import json', 'from .models import Thing', 'global CACHE', 'def __getattr__(self, name): return name', 'NAME: str = "x"', 'async def extra(self, db: Session): db.commit()']);
  return { start: at, end: at, text: `${line}\n${m[2]}` };
}

/**
 * Edits that change the summary or a module-level statement but leave most definitions' text
 * alone (what incremental.ts re-analyses by the names that changed): rename a def that others
 * call (or to a twin name), add or drop a method others call, change a signature, bind or rebind
 * a module-level name others use, change a class's bases, and open a bracket or quote in a body (module-level ERROR
 * statements, a class whose methods become functions; mostly undone by the caller).
 */
function summaryEdit(text: string, random: () => number): RandomEdit | undefined {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const r = random();
  const called = [...new Set([...text.matchAll(/\.?([A-Za-z_]\w*)\(/g)].map((m) => m[1]))];
  if (r < 0.2) {
    // Rename a def whose name is used elsewhere: to a fresh name, a twin name or another used name.
    const defs = [...text.matchAll(/def ([A-Za-z_]\w*)\(/g)].filter((m) => text.split(m[1]).length > 2);
    if (!defs.length) return undefined;
    const m = pick(defs);
    const at = m.index! + 4;
    return { start: at, end: at + m[1].length, text: pick([`${m[1]}x`, `a${m[1]}`, `${m[1]}_async`, pick(called) ?? 'other']) };
  }
  if (r < 0.4) {
    // Add a method named like something called elsewhere (or a near miss of it), sync or async.
    const classes = [...text.matchAll(/^class [^\n]*:[ \t]*\n/gm)];
    if (!classes.length || !called.length) return undefined;
    const m = pick(classes);
    const name = pick(called);
    const at = m.index! + m[0].length;
    return { start: at, end: at, text: `    ${pick(['', 'async '])}def ${pick([name, `${name}s`, `a${name}`])}(self, db):\n        return db\n\n` };
  }
  if (r < 0.55) {
    // Drop a method (its header and body).
    const methods = [...text.matchAll(/^    (?:async )?def [^\n]*\n(?:(?:        [^\n]*)?\n)*/gm)];
    if (!methods.length) return undefined;
    const m = pick(methods);
    return { start: m.index!, end: m.index! + m[0].length, text: '' };
  }
  if (r < 0.7) {
    // Change a signature: a parameter added or renamed.
    const params = [...text.matchAll(/def [A-Za-z_]\w*\((self, |cls, )?([A-Za-z_]\w*)/g)];
    if (!params.length) return undefined;
    const m = pick(params);
    const at = m.index! + m[0].length - m[2].length;
    return random() < 0.5 ? { start: at, end: at, text: 'extra, ' } : { start: at, end: at + m[2].length, text: 'renamed_param' };
  }
  if (r < 0.85) {
    // Bind or rebind a module-level name that definitions use.
    const tops = [...text.matchAll(/^(?:async def|def|class|[A-Za-z_]\w* =) /gm)];
    const used = [...new Set([...text.matchAll(/\b([A-Za-z_]\w*)\b/g)].map((m) => m[1]))].filter((n) => n.length > 2);
    if (!tops.length || !used.length) return undefined;
    const at = pick(tops).index!;
    return { start: at, end: at, text: `${pick(used)} = ${pick(['None', 'redis.Redis()', 'AsyncSessionLocal()', 'UserService()', `${pick(used)}()`])}\n\n` };
  }
  if (r < 0.92) {
    // Give a class other bases (another class of the file, or none): its methods' `self.x` resolve anew.
    const headers = [...text.matchAll(/^class ([A-Za-z_]\w*)(\([^)\n]*\))?:/gm)];
    if (!headers.length) return undefined;
    const m = pick(headers);
    const at = m.index! + 6 + m[1].length;
    return { start: at, end: at + (m[2]?.length ?? 0), text: pick(['', `(${pick(headers)[1]})`, '(Base)']) };
  }
  // An open bracket or quote at the end of a line in a class or function body.
  const lines = [...text.matchAll(/^ {4,}\S[^\n]*$/gm)];
  if (!lines.length) return undefined;
  const m = pick(lines);
  const at = m.index! + m[0].length;
  return { start: at, end: at, text: pick(['(', '[', '"', "'''"]) };
}

function describeEdits(edits: RandomEdit[]): string {
  return edits.map((e, i) => `  ${i + 1}. [${e.start}, ${e.end}) ← ${JSON.stringify(e.text)}`).join('\n');
}

interface Stats {
  checks: number;
  partial: number;
  reanalysed: number;
  chunks: number;
  /** Top-level definitions summarised again by incremental summaries, and all of them. */
  summarised: number;
  definitions: number;
  /** Fixes offered in files with syntax errors (each checked against a from-scratch parse). */
  brokenFixes: number;
  /** Incremental analyses of an edit that changed the file's summary (summary-dependents.ts). */
  summaryPartial: number;
}

/**
 * In a file with syntax errors a fix is offered only when the fixed file parses no worse; the
 * engine checks that with a reparse of the edited tree, this with a parse from scratch.
 */
function assertFixesParseNoWorse(rel: string, text: string, findings: Finding[], config: LoadedProject['config'], context: () => string): number {
  const errors = (t: string) => {
    const { file } = parseSource(rel, t, config);
    try {
      return syntaxErrorCount(file.root);
    } finally {
      file.dispose();
    }
  };
  let base: number | undefined;
  let checked = 0;
  for (const f of findings) {
    for (const fix of [f.fix, ...(f.suggestions ?? [])]) {
      if (!fix) continue;
      base ??= errors(text);
      checked++;
      const after = errors(applyEdits(text, fix.edits));
      assert.ok(after <= base, `${context()}\n${f.code} "${fix.title}" offered in a broken file makes it parse worse (${base} → ${after} syntax errors)`);
    }
  }
  return checked;
}

/**
 * A summary from scratch: a tree of its own (nothing cached per tree is shared with the summary
 * under test) and every statement's facts read from that tree (none from a statement memo).
 */
function scratchSummary(rel: string, text: string, config: LoadedProject['config']) {
  const { file } = parseSource(rel, text, config);
  try {
    return withoutStatementMemos(() => summarizeSource(file));
  } finally {
    file.dispose();
  }
}

/** Fails with the first differing field when the incremental summary is not the from-scratch one (key order included). */
function assertSameSummary(got: unknown, want: unknown, context: () => string): void {
  if (JSON.stringify(got) === JSON.stringify(want)) return;
  try {
    assert.deepStrictEqual(got, want);
  } catch (error) {
    assert.fail(`${context()}\nthe incremental summary differs from a from-scratch one:\n${(error as Error).message.slice(0, 4000)}`);
  }
  assert.fail(`${context()}\nthe incremental summary equals a from-scratch one but in another key order (summarySignature compares JSON)`);
}

async function checkProject(project: LoadedProject, files: string[], seed: number, steps: number, bodyEditShare = 0, summaryEditShare = 0): Promise<Stats> {
  const random = prng(seed);
  const stats: Stats = { checks: 0, partial: 0, reanalysed: 0, chunks: 0, summarised: 0, definitions: 0, brokenFixes: 0, summaryPartial: 0 };
  for (const rel of files) {
    const original = project.texts.get(rel)!;
    let text = original;
    let state: IncrementalState | undefined;
    let summaryState: SummaryState | undefined;
    const history: RandomEdit[] = [];
    const undo: RandomEdit[] = [];
    let broken = false;
    for (let step = 0; step <= steps; step++) {
      if (step > 0) {
        // Like an editor session: broken code is mostly undone (files with syntax errors are
        // analysed whole, so they prove little about reuse).
        let edit: RandomEdit | undefined;
        const undoing = undo.length > 0 && random() < (broken ? 0.85 : 0.3);
        if (undoing) edit = undo.pop()!;
        else if (random() < bodyEditShare) edit = bodyLineEdit(text, random);
        else if (summaryEditShare && random() < summaryEditShare) edit = summaryEdit(text, random);
        else edit = random() < 0.6 ? structuralEdit(text, random) : undefined;
        edit ??= randomEdit(text, random);
        if (!undoing) undo.push({ start: edit.start, end: edit.start + edit.text.length, text: text.slice(edit.start, edit.end) });
        history.push(edit);
        text = applyEdit(text, edit);
      }
      const { file } = parseSource(rel, text, project.config);
      try {
        const context = () => `seed ${seed} (rerun with AM_FUZZ_SEED=${seed}), ${rel}, after ${history.length} edits\nedits:\n${describeEdits(history)}`;
        const summarised = summarizeSourceIncremental(file, summaryState);
        const scratch = scratchSummary(rel, text, project.config);
        assertSameSummary(summarised.summary, scratch, context);
        // The signature reuses the position-free JSON of moved definitions: still the from-scratch one.
        assert.strictEqual(summarySignature(summarised.summary), summarySignature(scratch), `${context()}\nthe incremental summary's signature differs`);
        if (summaryState) {
          stats.summarised += summarised.summarised;
          stats.definitions += summarised.state.parts.size;
        }
        summaryState = summarised.state;
        const signatureBefore = state?.summary && summarySignature(state.summary);
        project.index.upsert(summarised.summary);
        const result = analyzeFileIncremental(file, project.index, project.config, state);
        if (!result.full && signatureBefore !== summarySignature(summarised.summary)) stats.summaryPartial++;
        state = result.state;
        broken = file.root.hasError;
        const expected = runRules(file, project.index, project.config);
        stats.checks++;
        if (broken) stats.brokenFixes += assertFixesParseNoWorse(rel, text, expected, project.config, context);
        if (!result.full) {
          stats.partial++;
          stats.reanalysed += result.reanalysed;
          stats.chunks += result.chunks;
        }
        const got = JSON.stringify(result.findings, null, 1);
        const want = JSON.stringify(expected, null, 1);
        if (got !== want) {
          const i = result.findings.findIndex((f, k) => JSON.stringify(f) !== JSON.stringify(expected[k]));
          assert.fail(
            `first difference:\n${JSON.stringify(result.findings[i])}\n${JSON.stringify(expected[i])}\n` +
            `seed ${seed} (rerun with AM_FUZZ_SEED=${seed}), ${rel}, after ${history.length} edits the incremental findings differ from a from-scratch analysis\nedits:\n${describeEdits(history)}\n` +
              `incremental:\n${result.findings.map((f) => `${f.code}@${f.range.start.line}:${f.range.start.character} ${f.start}-${f.end}`).join('\n')}\nfrom scratch:\n${expected.map((f) => `${f.code}@${f.range.start.line}:${f.range.start.character} ${f.start}-${f.end}`).join('\n')}`,
          );
        }
      } finally {
        file.dispose();
      }
    }
    // Leave the index as loaded for the next file.
    const { file } = parseSource(rel, original, project.config);
    project.index.upsert(summarizeSource(file));
    file.dispose();
  }
  return stats;
}

function runRulesOn(project: LoadedProject, rel: string) {
  const { file } = parseSource(rel, project.texts.get(rel)!, project.config);
  try {
    return runRules(file, project.index, project.config);
  } finally {
    file.dispose();
  }
}

const CROSS_DEFINITION_PROJECT: Record<string, string> = {
  'pyproject.toml': '[project]\nname = "cross-definition"\n',
  'app/__init__.py': '',
  'app/services/__init__.py': '',
  'app/models.py': `from sqlalchemy import Boolean, Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    active = Column(Boolean, default=True)
`,
  'app/services/user.py': `from sqlalchemy.orm import Session

from app.models import User


class UserService:
    def get_user(self, db: Session, user_id: int):
        return db.query(User).filter(User.id == user_id).first()

    def count_users(self, db: Session):
        return db.query(User).count()


user_service = UserService()


def find_user(db: Session, user_id: int):
    return db.query(User).filter(User.id == user_id).first()
`,
  'app/services/async_user.py': `from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


class AsyncUserService:
    async def get_user(self, db: AsyncSession, user_id: int):
        return (await db.execute(select(User).where(User.id == user_id))).scalars().first()

    async def count_users(self, db: AsyncSession):
        return await db.scalar(select(func.count()).select_from(User))


async_user_service = AsyncUserService()


async def find_user(db: AsyncSession, user_id: int):
    return (await db.execute(select(User).where(User.id == user_id))).scalars().first()
`,
  'app/queries.py': `from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import User
from app.services.user import find_user, user_service


def active_users(db: Session):
    return db.query(User).filter(User.active == True)


def list_active(db: Session):
    return active_users(db).all()


def count_active(db: Session):
    query = active_users(db)
    return query.count()


def names_on(db: AsyncSession):
    return db.query(User).filter(User.active == True).all()


async def read_names(db: AsyncSession):
    users = names_on(db)
    return [u.name for u in users]


async def read_user(db: AsyncSession, user_id: int):
    # reading one user
    return user_service.get_user(db, user_id)


async def count_all(db: AsyncSession):
    total = await user_service.count_users(db)
    return total


async def lookup(db: AsyncSession, user_id: int):
    return find_user(db, user_id)


def sync_lookup(db: Session, user_id: int):
    return find_user(db, user_id)
`,
};

/** The files of a project with the most definition-local findings (the interesting ones to edit). */
function richestFiles(project: LoadedProject, count: number): string[] {
  const local = new Set(RULES.filter((r) => r.locality === 'definition').map((r) => r.code));
  const scored: [string, number][] = [];
  for (const [rel, text] of project.texts) {
    const { file } = parseSource(rel, text, project.config);
    try {
      scored.push([rel, runRules(file, project.index, project.config).filter((f) => local.has(f.code)).length * 1000 + text.length / 1000]);
    } finally {
      file.dispose();
    }
  }
  return scored.sort((a, b) => b[1] - a[1]).slice(0, count).map(([rel]) => rel);
}

describe('incremental analysis per definition = from-scratch analysis', function () {
  this.timeout(600000);
  before(() => initParser());

  const cases: [string, number, number][] = [
    ['examples/gym-app', 8, 60],
    ['test/corpus/fastapi-shop', 4, 40],
    ['test/corpus/scripts', 3, 60],
    ['test/corpus/chat-service', 3, 40],
    ['test/corpus/clinic-api', 2, 40],
  ];
  const total: Stats = { checks: 0, partial: 0, reanalysed: 0, chunks: 0, summarised: 0, definitions: 0, brokenFixes: 0, summaryPartial: 0 };
  for (const [dir, fileCount, steps] of cases) {
    it(`${dir}: ${fileCount} files × ${steps} edits`, async () => {
      const seed = seedFromEnv('AM_FUZZ_SEED', 20261207);
      const project = await loadProject(path.join(ROOT, dir));
      const files = richestFiles(project, fileCount);
      assert.ok(files.length > 0, `no files in ${dir}`);
      const stats = await checkProject(project, files, seed, steps);
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += stats[k];
    });
  }

  // A module whose findings read other definitions: a query helper and its callers (AM102), a
  // plain def on an AsyncSession made async with its callers (AM101), a sync service imported and
  // used in several functions (AM203's module switch, AM202's twin fix). The random body edits add
  // and remove callers and uses in other functions.
  it('a module whose fixes read callers and other uses in other definitions: 160 edits', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-incremental-'));
    try {
      for (const [rel, text] of Object.entries(CROSS_DEFINITION_PROJECT)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      const project = await loadProject(dir);
      const codes = new Set(runRulesOn(project, 'app/queries.py').map((f) => f.code));
      for (const code of ['AM101', 'AM102', 'AM202', 'AM203']) assert.ok(codes.has(code), `the fixture has no ${code} finding`);
      const stats = await checkProject(project, ['app/queries.py'], seedFromEnv('AM_FUZZ_SEED', 20261208), 160, 0.8);
      assert.ok(stats.partial >= stats.checks / 3, `only ${stats.partial} of ${stats.checks} analyses were incremental`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('typing inside one function body re-analyses that definition only (and still equals from scratch)', async () => {
    const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
    const [rel] = richestFiles(project, 1);
    let text = project.texts.get(rel)!;
    // Typing at the end of a comment inside a function body, with a line break now and then.
    const comment = /^( {4,})#[^\n]*$/m.exec(text)!;
    let at = comment.index + comment[0].length;
    let state: IncrementalState | undefined;
    for (let i = 0; i < 12; i++) {
      if (i > 0) {
        const typed = i % 5 === 0 ? `\n${comment[1]}# ` : i % 4 === 0 ? ' ' : 'x';
        text = text.slice(0, at) + typed + text.slice(at);
        at += typed.length;
      }
      const { file } = parseSource(rel, text, project.config);
      try {
        project.index.upsert(summarizeSource(file));
        const result = analyzeFileIncremental(file, project.index, project.config, state);
        state = result.state;
        if (i > 0) {
          assert.strictEqual(result.full, false, `edit ${i} of ${rel} was analysed from scratch`);
          // That definition, and the module-level statement binding a name it uses (`router = APIRouter(…)`):
          // a module variable's findings read its uses elsewhere (summary-dependents.ts bindersOf).
          assert.strictEqual(result.reanalysed, 2, `edit ${i} of ${rel} re-analysed ${result.reanalysed} of ${result.chunks} statements`);
        }
        assert.deepStrictEqual(result.findings, runRules(file, project.index, project.config));
        assert.ok(result.findings.length > 0, 'the file has findings to reuse');
      } finally {
        file.dispose();
      }
    }
  });

  // Each member of a class is a chunk of its own (chunks.ts analysisChunksOf), except that a
  // method binding `self.x` is read by its siblings (`self.redis` in another method resolves
  // through `__init__`): editing it must re-analyse them.
  it('typing inside one method of a class re-analyses that method only; editing a `self.x = …` re-analyses its readers', async () => {
    const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
    const rel = 'app/services/cache_typing.py';
    let text =
      'import redis\nimport redis.asyncio as aioredis\n\nasync_client = aioredis.from_url("redis://")\nsync_client = redis.Redis.from_url("redis://")\n\n\nclass CacheService:\n' +
      '    def __init__(self):\n        self.client = async_client\n\n' +
      '    async def read(self, key: str):\n        # typing here\n        return self.client.get(key)\n\n' +
      '    async def write(self, key: str, value: str):\n        await self.client.set(key, value)\n';
    let state: IncrementalState | undefined;
    const analyse = () => {
      const { file } = parseSource(rel, text, project.config);
      try {
        project.index.upsert(summarizeSource(file));
        const result = analyzeFileIncremental(file, project.index, project.config, state);
        state = result.state;
        assert.deepStrictEqual(result.findings, runRules(file, project.index, project.config), `incremental != from scratch for:\n${text}`);
        return result;
      } finally {
        file.dispose();
      }
    };
    assert.deepStrictEqual(analyse().findings.map((f) => f.code), ['AM302'], 'the unawaited get on the async client is reported');
    // Typing in the comment of `read`: that method alone is re-analysed.
    let at = text.indexOf('# typing here') + '# typing here'.length;
    for (let i = 0; i < 4; i++) {
      text = text.slice(0, at) + 'x' + text.slice(at);
      at++;
      const result = analyse();
      assert.strictEqual(result.full, false);
      assert.strictEqual(result.reanalysed, 1, `keystroke ${i} re-analysed ${result.reanalysed} of ${result.chunks} chunks`);
    }
    // The client becomes the sync one in `__init__` (the module's summary does not change): `read`'s
    // finding goes away, as from scratch.
    text = text.replace('self.client = async_client', 'self.client = sync_client');
    assert.deepStrictEqual(analyse().findings.map((f) => f.code), [], 'a sync client needs no await: nothing left to report');
  });

  it('typing inside one method of a class re-summarises that method only (and equals a from-scratch summary)', async () => {
    const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
    const method = (name: string, body: string) => `    async def ${name}(self, db: AsyncSession, item_id: int):\n        ${body}\n        return item_id\n\n`;
    let text = `from sqlalchemy.ext.asyncio import AsyncSession\n\n\nclass Service:\n    model = None\n\n${method('get', 'x = 1')}${method('update', 'db.add(self.model)  # note')}    @staticmethod\n${method('delete', 'await db.commit()')}\n\ndef after():\n    pass\n`;
    let at = text.indexOf('# note') + '# note'.length;
    let state: SummaryState | undefined;
    let checked = 0;
    for (let i = 0; i < 10; i++) {
      if (i > 0) {
        // Typing in a comment, a line break, a statement that adds an attribute (`self.cache`).
        const typed = i % 4 === 0 ? '\n        #' : i === 5 ? '\n        self.cache = db  #' : 'x';
        text = text.slice(0, at) + typed + text.slice(at);
        at += typed.length;
      }
      const { file } = parseSource('app/services/typing.py', text, project.config);
      try {
        const result = summarizeSourceIncremental(file, state);
        state = result.state;
        assertSameSummary(result.summary, scratchSummary('app/services/typing.py', text, project.config), () => `after ${i} keystrokes:\n${text}`);
        assert.deepStrictEqual(Object.keys(result.summary.classes.Service.methods), ['get', 'update', 'delete']);
        if (i >= 5) assert.ok(result.summary.classes.Service.attributes?.includes('cache'), 'the new attribute is in the class summary');
        assert.ok(!file.root.hasError, `keystroke ${i} broke the file:\n${text}`);
        if (i > 0) {
          assert.strictEqual(result.summarised, 1, `keystroke ${i} re-summarised ${result.summarised} definitions`);
          assert.strictEqual(result.methodsSummarised, 1, `keystroke ${i} re-summarised ${result.methodsSummarised} methods`);
          checked++;
        }
      } finally {
        file.dispose();
      }
    }
    assert.strictEqual(checked, 9);
  });

  // Edits aimed at the reuse across summary changes: only the statements naming what changed are
  // re-analysed, so a rename, a dropped method or a rebound module name must reach every reader.
  const summaryCases: [string, number, number][] = [
    ['examples/gym-app', 6, 60],
    ['test/corpus/fastapi-shop', 3, 40],
    ['test/corpus/chat-service', 2, 40],
  ];
  for (const [dir, fileCount, steps] of summaryCases) {
    it(`${dir}: ${fileCount} files × ${steps} edits to names, members, signatures and module-level statements`, async () => {
      const project = await loadProject(path.join(ROOT, dir));
      const stats = await checkProject(project, richestFiles(project, fileCount), seedFromEnv('AM_FUZZ_SEED', 20261209), steps, 0, 0.7);
      assert.ok(stats.summaryPartial > 0, `no edit that changed the summary was analysed incrementally (${JSON.stringify(stats)})`);
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += stats[k];
    });
  }

  it('a generated service module (the bench\'s shape): 80 edits to names, members, signatures and module-level statements', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-incremental-'));
    try {
      fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "generated"\n');
      fs.writeFileSync(path.join(dir, 'app/big.py'), generateLargeFile(700));
      const project = await loadProject(dir);
      const stats = await checkProject(project, ['app/big.py'], seedFromEnv('AM_FUZZ_SEED', 20261210), 80, 0.2, 0.7);
      assert.ok(stats.summaryPartial > 0, `no edit that changed the summary was analysed incrementally (${JSON.stringify(stats)})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('typing a method\'s name re-analyses only the statements naming it (and equals from scratch)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-incremental-'));
    try {
      fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "generated"\n');
      let text = generateLargeFile(700);
      fs.writeFileSync(path.join(dir, 'app/big.py'), text);
      const project = await loadProject(dir);
      const def = /^    def (get_\w+)\(/m.exec(text.slice(text.length / 2))!;
      let at = text.length / 2 + def.index + def[0].length - 1;
      let state: IncrementalState | undefined;
      for (let i = 0; i < 8; i++) {
        if (i > 0) text = text.slice(0, at) + 'x' + text.slice(at++);
        const { file } = parseSource('app/big.py', text, project.config);
        try {
          project.index.upsert(summarizeSource(file));
          const result = analyzeFileIncremental(file, project.index, project.config, state);
          state = result.state;
          if (i > 0) {
            assert.strictEqual(result.full, false, `keystroke ${i} in ${def[1]}'s name was analysed from scratch`);
            assert.ok(result.reanalysed <= 3, `keystroke ${i} in ${def[1]}'s name re-analysed ${result.reanalysed} of ${result.chunks} statements`);
          }
          assert.deepStrictEqual(result.findings, runRules(file, project.index, project.config));
        } finally {
          file.dispose();
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // Readers that name what changed only through a twin pattern (`aget_user` appears: the caller
  // of `get_user` gets AM203) or a chain (`list_items` → `helper` → `helper2`), a member that
  // disappears (AM204 at its callers, whose "did you mean" reads the whole member set) and a
  // module-level instance rebound: each edit analysed from the last one, never from scratch.
  it('renames, twins, async-ness, members and module-level names reach every statement that reads them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-incremental-'));
    try {
      let text = [
        'from sqlalchemy.orm import Session',
        '',
        '',
        'class UserService:',
        '    def get_user(self, db: Session, user_id: int):',
        '        return db.get(User, user_id)',
        '',
        '    async def aget_userx(self, db, user_id: int):',
        '        return None',
        '',
        '',
        'user_service = UserService()',
        '',
        '',
        'async def read_user(db: Session, user_id: int):',
        '    return user_service.get_user(db, user_id)',
        '',
        '',
        'def helper2(db: Session):',
        '    db.commit()',
        '',
        '',
        'def helper(db: Session):',
        '    return helper2(db)',
        '',
        '',
        'async def list_items(db: Session):',
        '    return helper(db)',
        '',
        '',
        'async def other(db: Session):',
        '    return user_service.get_usr(db, 1)',
        '',
      ].join('\n');
      fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "summary-edits"\n');
      fs.writeFileSync(path.join(dir, 'app/services.py'), text);
      const project = await loadProject(dir);
      const edits: [string, string][] = [
        ['aget_userx', 'aget_user'],
        ['def helper2', 'async def helper2'],
        ['aget_user(', 'aget_userx('],
        ['async def helper2', 'def helper2'],
        ['def get_user(self', 'def get_usr2(self'],
        ['def get_usr2(self', 'def get_usr(self'],
        ['user_service = UserService()', 'user_service = None'],
        ['user_service = None', 'user_service = UserService()'],
      ];
      let state: IncrementalState | undefined;
      const codes = new Set<string>();
      for (let i = 0; i <= edits.length; i++) {
        if (i > 0) text = text.replace(...edits[i - 1]);
        const { file } = parseSource('app/services.py', text, project.config);
        try {
          project.index.upsert(summarizeSource(file));
          const result = analyzeFileIncremental(file, project.index, project.config, state);
          state = result.state;
          const expected = runRules(file, project.index, project.config);
          expected.forEach((f) => codes.add(f.code));
          assert.deepStrictEqual(result.findings, expected, `after edit ${i} (${JSON.stringify(edits[i - 1])})`);
          if (i > 0) assert.ok(!result.full && result.reanalysed < result.chunks, `edit ${i} (${JSON.stringify(edits[i - 1])}) re-analysed ${result.full ? 'everything' : `${result.reanalysed} of ${result.chunks}`}`);
        } finally {
          file.dispose();
        }
      }
      for (const code of ['AM103', 'AM203', 'AM204']) assert.ok(codes.has(code), `the edits never produced ${code}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A temporary project holding one file; `body(project)` runs in it. */
  async function withProject(rel: string, text: string, body: (project: LoadedProject) => Promise<void>): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-incremental-'));
    try {
      fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "incremental"\n');
      fs.writeFileSync(path.join(dir, rel), text);
      await body(await loadProject(dir));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Analyses successive versions of one document as the editor does (incremental summary and analysis), each checked against from scratch. */
  function documentSession(project: LoadedProject, rel: string) {
    let state: IncrementalState | undefined;
    let summaryState: SummaryState | undefined;
    return (text: string, context: string) => {
      const { file } = parseSource(rel, text, project.config);
      try {
        const summarised = summarizeSourceIncremental(file, summaryState);
        summaryState = summarised.state;
        assertSameSummary(summarised.summary, summarizeSource(file), () => context);
        project.index.upsert(summarised.summary);
        const result = analyzeFileIncremental(file, project.index, project.config, state);
        state = result.state;
        assert.deepStrictEqual(result.findings, runRules(file, project.index, project.config), `${context}: incremental != from scratch`);
        return { ...result, summarised: summarised.summarised };
      } finally {
        file.dispose();
      }
    };
  }

  // The bench's bracket and quote edits: tree-sitter's error recovery reshapes the rest of a class
  // (its methods become module-level defs) or of the file (an unclosed triple quote), and closing
  // them returns to a tree seen before. The versions before the last one are kept (chunks.ts
  // RetainedVersions): each keystroke after the first reuses one of them.
  for (const kind of ['bracket', 'quote'] as const) {
    it(`a ${kind} typed and closed again, over and over, reuses the versions before it (and equals from scratch)`, async () => {
      let text = generateLargeFile(700);
      await withProject('app/big.py', text, async (project) => {
        const analyse = documentSession(project, 'app/big.py');
        const lines = text.split('\n');
        let line = Math.floor(lines.length / 2);
        while (!/^\s{8}\S/.test(lines[line])) line++;
        const at = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + lines[line].length;
        analyse(text, 'the file as generated');
        const shapes = new Set<number>();
        for (let i = 0; i < 14; i++) {
          const typed = kind === 'quote' ? '"' : i % 2 ? ')' : '(';
          text = text.slice(0, at + i) + typed + text.slice(at + i);
          const result = analyse(text, `keystroke ${i} (${JSON.stringify(text.slice(at, at + i + 1))})`);
          shapes.add(result.chunks);
          assert.strictEqual(result.full, false, `keystroke ${i} was analysed from scratch`);
          // The first time a shape is seen its reshaped statements are new; after that, only the edited one.
          if (i >= (kind === 'quote' ? 6 : 2)) {
            assert.ok(result.reanalysed <= 3, `keystroke ${i} re-analysed ${result.reanalysed} of ${result.chunks} statements`);
            assert.ok(result.summarised <= 3, `keystroke ${i} re-summarised ${result.summarised} definitions`);
          }
        }
        assert.ok(shapes.size > 1, 'the edits never reshaped the tree: the test proves nothing');
      });
    });
  }

  // A class attribute appearing or disappearing is read as `x.name` (or in a class body), never by
  // a function that binds the same name itself; and errors appearing only silence AM204 where it
  // reported, so neither re-analyses the file.
  it('a changed class member re-analyses its readers, not the functions using a local of the same name', async () => {
    const locals = Array.from({ length: 12 }, (_, i) => `def local_${i}(db: Session):\n    cached = db.get(Thing, ${i})\n    return cached\n\n\n`).join('');
    let text = [
      'from sqlalchemy.orm import Session',
      '',
      '',
      'class Thing:',
      '    pass',
      '',
      '',
      'class Service:',
      '    def load(self, db: Session):',
      '        return db.get(Thing, 1)',
      '',
      '',
      'service = Service()',
      '',
      '',
      'async def reader():',
      '    return service.cached()',
      '',
      '',
      `${locals}def shadow(cached=None):`,
      '    return cached',
      '',
    ].join('\n');
    await withProject('app/services.py', text, async (project) => {
      const analyse = documentSession(project, 'app/services.py');
      assert.ok(analyse(text, 'as written').findings.some((f) => f.code === 'AM204'), '`service.cached()` is reported: Service has no such member');
      // The member appears, is read in the class body, disappears: `reader` (and the class) are
      // re-analysed each time, never the 12 functions with a local `cached`.
      const steps: [string, string][] = [
        ['class Service:\n', 'class Service:\n    cached = None\n\n'],
        ['    cached = None\n\n', '    cached = None\n    other = cached\n\n'],
        ['    cached = None\n    other = cached\n\n', ''],
      ];
      for (const [from, to] of steps) {
        text = text.replace(from, to);
        const result = analyse(text, `after ${JSON.stringify(from)} → ${JSON.stringify(to)}`);
        assert.strictEqual(result.full, false);
        assert.strictEqual(result.findings.some((f) => f.code === 'AM204'), !text.includes('cached = None\n'), `AM204 at \`service.cached()\` after ${JSON.stringify(to)}`);
        // The class's statements, `service = Service()`, `reader`, and `shadow` (a default value is not in the body).
        assert.ok(result.reanalysed <= 8, `${JSON.stringify(to)} re-analysed ${result.reanalysed} of ${result.chunks} statements`);
      }
      // Errors appear in another function: AM204 stops reporting at `reader` (members are unknown), as from scratch.
      text = text.replace('def local_3(db: Session):\n    cached = db.get(Thing, 3)', 'def local_3(db: Session):\n    cached = db.get(Thing, 3');
      const broken = analyse(text, 'a bracket left open in local_3');
      assert.ok(!broken.findings.some((f) => f.code === 'AM204'), 'AM204 is silent in a file with syntax errors');
      assert.strictEqual(broken.full, false);
      assert.ok(broken.reanalysed <= 4, `the error re-analysed ${broken.reanalysed} of ${broken.chunks} statements`);
      // Closed differently than before (a version never seen): AM204 reports again.
      text = text.replace('cached = db.get(Thing, 3', 'cached = db.get(Thing, 3 )');
      assert.ok(analyse(text, 'the bracket closed').findings.some((f) => f.code === 'AM204'));
    });
  });

  // Found by the random edits (seed 5, test/corpus/scripts): an unclosed f-string made the root
  // node itself an ERROR, so nothing is reported anywhere — not even in the statements before it.
  it('an edit that makes the whole module an error region reuses nothing', async () => {
    let text = 'import json\n\n\nasync def a(raw):\n    try:\n        return json.loads(raw)\n    except Exception:\n        return None\n\n\nasync def b(redis, user_id: int) -> dict:\n    try:\n        raw = await redis.get(f"prefs:{user_id}")\n        return json.loads(raw) if raw else {}\n    except Exception:\n        return None\n';
    await withProject('app/prefs.py', text, async (project) => {
      const analyse = documentSession(project, 'app/prefs.py');
      assert.ok(analyse(text, 'as written').findings.some((f) => f.code === 'AM501' && f.start < text.indexOf('async def b')), 'AM501 in `a`');
      const at = text.indexOf('id}")');
      text = text.slice(0, at) + text.slice(at + 7);
      assert.deepStrictEqual(analyse(text, 'the f-string left open').findings, []);
    });
  });

  // Found by the random edits (seed 6): a coroutine stored in a module variable is fine once a
  // function awaits it (AM201), so the variable's statement reads the uses of its name elsewhere.
  it('a module variable is re-analysed when a statement using its name changes', async () => {
    let text = 'import asyncio\n\n\nasync def lookup(db, user_id):\n    return None\n\n\nq = lookup(None, 1)\n\n\nasync def use():\n    return 1\n';
    await withProject('app/m.py', text, async (project) => {
      const analyse = documentSession(project, 'app/m.py');
      assert.deepStrictEqual(analyse(text, 'as written').findings.map((f) => f.code), ['AM201'], 'the coroutine in `q` is never awaited');
      text = text.replace('    return 1\n', '    return await q\n');
      const result = analyse(text, '`use` awaits q');
      assert.deepStrictEqual(result.findings, [], 'awaited in `use`: nothing to report');
      assert.strictEqual(result.full, false);
    });
  });

  // The test must exercise the incremental path, not only full re-analyses (a broken module-level
  // statement or an edited import makes the analyses after it full, which is right but proves nothing).
  it('took the incremental path often, re-analysing few definitions', () => {
    assert.ok(total.partial >= total.checks / 10, `only ${total.partial} of ${total.checks} analyses were incremental`);
    assert.ok(total.reanalysed * 2 < total.chunks, `incremental analyses re-ran ${total.reanalysed} of ${total.chunks} top-level statements`);
    if (process.env.AM_FUZZ_STATS) console.log(JSON.stringify(total));
    assert.ok(total.brokenFixes > 0, 'no fix was offered in a file with syntax errors: the parse-no-worse check went unexercised');
    assert.ok(total.definitions > 0 && total.summarised * 2 < total.definitions, `incremental summaries re-summarised ${total.summarised} of ${total.definitions} top-level definitions`);
  });
});

/** A FastAPI module whose routes depend on other statements: prefixes and paths from module constants, handlers registered elsewhere. */
const ROUTES_MODULE = `from fastapi import APIRouter, FastAPI
from app.api import users

API_V1 = "/api/v1"
ITEMS = "/items"

app = FastAPI()
router = APIRouter(prefix=API_V1)
admin = APIRouter(prefix="/admin")


@router.get(ITEMS)
async def list_items(limit: int = 10):
    return []


@router.post("/items/{item_id}")
def create_item(item_id: int):
    return {"id": item_id}


@admin.api_route(API_V1, methods=["GET", "PUT"])
async def settings():
    return {}


def health():
    return "ok"


app.add_api_route(ITEMS + "/health", health, methods=["GET"])
app.add_api_route(API_V1, endpoint=health)
app.include_router(router)
if API_V1:
    app.include_router(admin, prefix=API_V1)
app.include_router(users.router, prefix="/users")
`;

/** Edits to what routes are made of: constants, routers, decorators, registrations, handler names, and lines moving them. */
function routeEdit(text: string, random: () => number): RandomEdit | undefined {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const line = (pattern: RegExp) => {
    const lines = [...text.matchAll(pattern)];
    return lines.length ? pick(lines) : undefined;
  };
  const r = random();
  if (r < 0.15) {
    // Rebind a constant (another value, not a literal, or a second binding: no longer a constant) or drop it.
    const m = line(/^(API_V1|ITEMS|PREFIX) = [^\n]*\n/gm);
    if (!m) return { start: 0, end: 0, text: `${pick(['PREFIX', 'ITEMS', 'API_V1'])} = "/p"\n` };
    return { start: m.index!, end: m.index! + m[0].length, text: pick(['', `${m[1]} = "/v2"\n`, `${m[1]} = settings.PREFIX\n`, `${m[0]}${m[1]} = "/again"\n`]) };
  }
  if (r < 0.3) {
    // A decorator's method, path or router.
    const m = line(/^@(\w+)\.(get|post|put|delete|api_route)\(([^\n]*)\)$/gm);
    if (!m) return undefined;
    const replacement = pick([`@${m[1]}.${pick(['get', 'patch', 'head'])}(${m[3]})`, `@${pick(['router', 'admin', 'app', 'other'])}.${m[2]}(${m[3]})`, `@${m[1]}.${m[2]}(${pick(['ITEMS', 'API_V1', 'PREFIX', '"/x"', 'f"/{ITEMS}"', 'path="/kw"'])})`, `@${m[1]}.${m[2]}(${m[3]})\n@cache`]);
    return { start: m.index!, end: m.index! + m[0].length, text: replacement };
  }
  if (r < 0.45) {
    // A router added, dropped or given another prefix.
    const m = line(/^(\w+) = (APIRouter|FastAPI)\([^\n]*\)\n/gm);
    if (!m || random() < 0.3) return { start: m?.index ?? 0, end: m?.index ?? 0, text: `extra = APIRouter(prefix=${pick(['API_V1', '"/extra"', 'PREFIX', 'ITEMS + "/x"'])})\n` };
    return { start: m.index!, end: m.index! + m[0].length, text: pick(['', `${m[1]} = ${m[2]}(prefix=${pick(['ITEMS', '"/p"', 'PREFIX'])})\n`, `${m[1]} = Blueprint("x")\n`]) };
  }
  if (r < 0.6) {
    // A registration added or dropped: include_router (maybe conditional) or add_api_route naming a handler.
    const m = line(/^(?:if [^\n]*:\n)?[ \t]*app\.(include_router|add_api_route)\([^\n]*\)\n/gm);
    if (m && random() < 0.4) return { start: m.index!, end: m.index! + m[0].length, text: '' };
    const handlers = [...text.matchAll(/^(?:async )?def (\w+)/gm)].map((h) => h[1]);
    const call = pick([`app.include_router(${pick(['router', 'admin', 'users.router'])}, prefix=${pick(['API_V1', 'ITEMS', '"/i"'])})`, `app.add_api_route(${pick(['ITEMS', '"/h"', 'API_V1'])}, ${pick(handlers.length ? handlers : ['health'])})`, `try:\n    app.include_router(admin)\nexcept ImportError:\n    pass`]);
    const at = random() < 0.5 ? text.length : (line(/^app\.[^\n]*\n/gm)?.index ?? text.length);
    return { start: at, end: at, text: `${call}\n` };
  }
  if (r < 0.7) {
    // Rename a handler (add_api_route may no longer find it).
    const m = line(/^(?:async )?def (\w+)/gm);
    if (!m) return undefined;
    const at = m.index! + m[0].length;
    return { start: at, end: at, text: pick(['_v2', 'x']) };
  }
  if (r < 0.85) {
    // Type in a handler's body, or add lines above: routes and registrations after it move.
    const m = line(/^    return [^\n]*$/gm);
    if (!m) return undefined;
    const at = m.index! + m[0].length;
    return { start: at, end: at, text: pick(['  # note', '\n    x = 1', '\n\n    y = "/a"\r\n', ' or None']) };
  }
  // Switch a handler's async-ness.
  const m = line(/^(async )?def /gm);
  if (!m) return undefined;
  return m[1] ? { start: m.index!, end: m.index! + 6, text: '' } : { start: m.index!, end: m.index!, text: 'async ' };
}

/**
 * Summarises a document after each of `steps` seeded edits (mostly aimed ones), checking each
 * incremental summary against a from-scratch one; check sees every summary.
 */
async function fuzzSummaries(rel: string, original: string, seed: number, steps: number, aimed: (text: string, random: () => number) => RandomEdit | undefined, check: (result: ReturnType<typeof summarizeSourceIncremental>, step: number, context: () => string) => void): Promise<void> {
  const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
  const random = prng(seed);
  let text = original;
  let state: SummaryState | undefined;
  const history: RandomEdit[] = [];
  for (let step = 0; step <= steps; step++) {
    if (step > 0) {
      const edit = (random() < 0.85 ? aimed(text, random) : undefined) ?? randomEdit(text, random);
      history.push(edit);
      text = applyEdit(text, edit);
    }
    const { file } = parseSource(rel, text, project.config);
    try {
      const result = summarizeSourceIncremental(file, state);
      state = result.state;
      const context = () => `seed ${seed} (rerun with AM_FUZZ_SEED=${seed}), ${rel}, after ${history.length} edits:\n${describeEdits(history)}\n${text}`;
      assertSameSummary(result.summary, scratchSummary(rel, text, project.config), context);
      check(result, step, context);
    } finally {
      file.dispose();
    }
  }
}

describe('incremental summary of routes = from-scratch summary', function () {
  this.timeout(120000);
  before(() => initParser());

  it('300 edits to constants, routers, decorators, registrations and handlers', async () => {
    const seenRoutes = new Set<string>();
    let reused = 0;
    const seed = seedFromEnv('AM_FUZZ_SEED', 20261213);
    await fuzzSummaries('app/api/routes_fuzz.py', ROUTES_MODULE, seed, 300, routeEdit, (result, step) => {
      seenRoutes.add(JSON.stringify([result.summary.routers, result.summary.routes, result.summary.includes]));
      if (step > 0 && result.summarised < result.state.parts.size) reused++;
    });
    // The edits must have changed the routes often and reused most definitions. (Other seeds
    // check the equality only: unbalanced brackets left by random edits can keep the file broken
    // for the rest of a run.)
    if (seed !== 20261213) return;
    assert.ok(seenRoutes.size > 100, `only ${seenRoutes.size} distinct route summaries`);
    assert.ok(reused > 150, `only ${reused} summaries reused a definition`);
  });

  // Seed 14 found facts remembered by a statement's text reused for another node of the same text
  // (error recovery made `PI_V1 = "/again"` a keyword argument at top level): keys carry the type.
  it('the 226 edits of seed 14 (a statement\'s text reappearing as another node)', async () => {
    await fuzzSummaries('app/api/routes_fuzz.py', ROUTES_MODULE, 14, 226, routeEdit, () => undefined);
  });

  it('a prefix or a path from a module constant follows the constant, wherever it is edited', async () => {
    const project = await loadProject(path.join(ROOT, 'examples/gym-app'));
    let state: SummaryState | undefined;
    const summarise = (text: string) => {
      const { file } = parseSource('app/api/consts.py', text, project.config);
      try {
        const result = summarizeSourceIncremental(file, state);
        state = result.state;
        assertSameSummary(result.summary, scratchSummary('app/api/consts.py', text, project.config), () => text);
        return result.summary;
      } finally {
        file.dispose();
      }
    };
    const base = ROUTES_MODULE;
    let s = summarise(base);
    assert.deepStrictEqual(s.routers.map((r) => [r.name, r.prefix]), [['app', ''], ['router', '/api/v1'], ['admin', '/admin']]);
    assert.deepStrictEqual(s.routes.map((r) => [r.function, r.methods.join(','), r.path, r.line]), [
      ['list_items', 'GET', '/items', 13],
      ['create_item', 'POST', '/items/{item_id}', 18],
      ['settings', 'GET,PUT', '/api/v1', 23],
      ['health', 'GET', null, 27],
      ['health', 'GET', '/api/v1', 27],
    ]);
    assert.deepStrictEqual(s.includes.map((i) => [i.router, i.prefix, i.condition ?? '', i.line]), [['router', '', '', 33], ['admin', '/api/v1', 'if API_V1', 35], ['users.router', '/users', '', 36]]);
    // The constant changes: every prefix and path naming it follows; nothing else was re-read.
    s = summarise(base.replace('API_V1 = "/api/v1"', 'API_V1 = "/api/v2"'));
    assert.deepStrictEqual([s.routers[1].prefix, s.routes[2].path, s.routes[4].path, s.includes[1].prefix], ['/api/v2', '/api/v2', '/api/v2', '/api/v2']);
    // Bound twice: no longer a constant.
    s = summarise(base.replace('ITEMS = "/items"\n', 'ITEMS = "/items"\nITEMS = "/things"\n'));
    assert.deepStrictEqual([s.routes[0].path, s.routes[0].pathExpr], [null, 'ITEMS']);
    // Lines above move every route and registration.
    s = summarise(`# header\n\n${base}`);
    assert.deepStrictEqual([s.routes[0].line, s.includes[2].line], [15, 38]);
    // The handler add_api_route names is renamed: its routes go.
    s = summarise(`# header\n\n${base}`.replace('def health', 'def healthz'));
    assert.deepStrictEqual(s.routes.map((r) => r.function), ['list_items', 'create_item', 'settings']);
  });
});

/** A module whose module-level statements carry most of the summary: conditional and TYPE_CHECKING imports, star imports, `__all__`, globals, walrus names, module path strings. */
const MODULE_LEVEL_MODULE = `"""Settings and wiring."""
import os
import redis.asyncio as redis
from typing import TYPE_CHECKING
from . import models
from .db import *

if TYPE_CHECKING:
    from .services import UserService

try:
    import orjson as json
except ImportError:
    import json

__all__ = ["engine", "Session"]
NAME = "app.workers.tasks"
APP = "app.main:app"
engine = create_engine(os.environ["DB"])
Session = sessionmaker(bind=engine, expire_on_commit=False)
cache = redis.Redis()
if (debug := os.environ.get("DEBUG")):
    level = "debug"
else:
    level = "info"
    def fallback():
        return None

with open("x") as handle:
    content = handle.read()

for item, value in os.environ.items():
    pass


def configure():
    global CONFIGURED
    import importlib
    CONFIGURED = importlib.import_module("app.plugins.base")
`;

/** Edits to module-level statements: imports, bindings, conditions, `__all__`, strings. */
function moduleLevelEdit(text: string, random: () => number): RandomEdit | undefined {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const lines = [...text.matchAll(/^[^\s#][^\n]*\n/gm)];
  const r = random();
  if (r < 0.5 || !lines.length) {
    const at = lines.length ? pick(lines).index! : 0;
    return {
      start: at,
      end: at,
      text: pick([
        'from .models import User\n',
        'from .. import sibling\n',
        'import a.b.c\n',
        'from x import *\n',
        '__all__ = ("one",)\n',
        'NAME = "app.other"\n',
        'engine = None\n',
        'if TYPE_CHECKING:\n    import typing_only\n',
        'try:\n    from fast import loads\nexcept ImportError:\n    def loads(x):\n        return x\n',
        'Session = async_sessionmaker(engine, class_=AsyncSession)\n',
        'WORKER = "celery.app:worker"\n',
        'global OTHER\n',
        '(walrus := 1)\n',
        'class Late:\n    pass\n',
        'x: int = 1\n',
        'y = z = "a.b"\n',
      ]),
    };
  }
  const m = pick(lines);
  if (r < 0.75) return { start: m.index!, end: m.index! + m[0].length, text: '' };
  // Retype a name or a string in the line.
  const word = [...m[0].matchAll(/[A-Za-z_]\w*|"[^"\n]*"/g)];
  if (!word.length) return undefined;
  const w = pick(word);
  const at = m.index! + w.index!;
  return { start: at, end: at + w[0].length, text: pick(['renamed', '"app.x.y"', '"plain"', 'TYPE_CHECKING', 'engine']) };
}

describe('incremental summary of module-level statements = from-scratch summary', function () {
  this.timeout(120000);
  before(() => initParser());

  for (const [rel, label] of [['app/core/settings.py', 'a module'], ['app/core/__init__.py', 'a package']] as const) {
    it(`${label}: 300 edits to imports, bindings, conditions, __all__ and strings`, async () => {
      let previous: ModuleSummary | undefined;
      const signatureOutcomes = new Set<boolean>();
      const seen = new Set<string>();
      await fuzzSummaries(rel, MODULE_LEVEL_MODULE, seedFromEnv('AM_FUZZ_SEED', 20261214), 300, moduleLevelEdit, (result, _step, context) => {
        const { imports, starImports, nestedImports, stringImports, variables, definedNames, exports, functions } = result.summary;
        seen.add(JSON.stringify([imports, starImports, nestedImports, stringImports, variables, definedNames, exports, Object.keys(functions)]));
        if (previous) {
          // Compared part by part before either signature is built (then it would compare the strings).
          const same = sameSummarySignature(previous, result.summary);
          assert.strictEqual(same, summarySignature(previous) === summarySignature(result.summary), `${context()}\nsameSummarySignature differs from comparing the signatures`);
          signatureOutcomes.add(same);
        }
        previous = result.summary;
      });
      assert.ok(seen.size > 150, `only ${seen.size} distinct module-level summaries`);
      assert.strictEqual(signatureOutcomes.size, 2, 'sameSummarySignature answered one way only');
    });
  }
});
