// Per-definition incremental analysis (analysis/incremental.ts) must equal a from-scratch
// analysis after every edit, on real-shaped files (the example app and the corpus): random
// inserts/deletes/pastes with unbalanced brackets and quotes, plus edits that switch a def's
// async-ness, rename a def, change an import and edit a body. Seeded; a mismatch fails with the
// seed, the file and the whole edit sequence (rerun with AM_FUZZ_SEED=<seed>).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSource, runRules, summarizeSource } from '../../server/src/analysis/engine';
import { analyzeFileIncremental, type IncrementalState } from '../../server/src/analysis/incremental';
import { initParser } from '../../server/src/analysis/parser';
import { RULES } from '../../server/src/analysis/rules/registry';
import { loadProject, type LoadedProject } from '../../server/src/project';
import { type RandomEdit, applyEdit, prng, randomEdit, seedFromEnv } from './lsp/random-edits';

const ROOT = path.resolve(__dirname, '../..');

/** Edits that change what a definition is, not just its text. */
function structuralEdit(text: string, random: () => number): RandomEdit | undefined {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const r = random();
  if (r < 0.3) {
    // Switch a def's async-ness.
    const defs = [...text.matchAll(/^([ \t]*)(async )?def /gm)];
    if (!defs.length) return undefined;
    const m = pick(defs);
    const at = m.index! + m[1].length;
    return m[2] ? { start: at, end: at + 6, text: '' } : { start: at, end: at, text: 'async ' };
  }
  if (r < 0.5) {
    // Rename a def (callers elsewhere keep the old name).
    const defs = [...text.matchAll(/def ([A-Za-z_]\w*)\(/g)];
    if (!defs.length) return undefined;
    const m = pick(defs);
    const at = m.index! + 4 + m[1].length;
    return { start: at, end: at, text: pick(['_v2', 'x', '_async']) };
  }
  if (r < 0.7) {
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

function describeEdits(edits: RandomEdit[]): string {
  return edits.map((e, i) => `  ${i + 1}. [${e.start}, ${e.end}) ← ${JSON.stringify(e.text)}`).join('\n');
}

async function checkProject(project: LoadedProject, files: string[], seed: number, steps: number, bodyEditShare = 0): Promise<{ checks: number; partial: number; reanalysed: number; chunks: number }> {
  const random = prng(seed);
  const stats = { checks: 0, partial: 0, reanalysed: 0, chunks: 0 };
  for (const rel of files) {
    const original = project.texts.get(rel)!;
    let text = original;
    let state: IncrementalState | undefined;
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
        else edit = random() < 0.6 ? structuralEdit(text, random) : undefined;
        edit ??= randomEdit(text, random);
        if (!undoing) undo.push({ start: edit.start, end: edit.start + edit.text.length, text: text.slice(edit.start, edit.end) });
        history.push(edit);
        text = applyEdit(text, edit);
      }
      const { file } = parseSource(rel, text, project.config);
      try {
        project.index.upsert(summarizeSource(file));
        const result = analyzeFileIncremental(file, project.index, project.config, state);
        state = result.state;
        broken = file.root.hasError;
        const expected = runRules(file, project.index, project.config);
        stats.checks++;
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
  const total = { checks: 0, partial: 0, reanalysed: 0, chunks: 0 };
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
          assert.strictEqual(result.reanalysed, 1, `edit ${i} of ${rel} re-analysed ${result.reanalysed} of ${result.chunks} statements`);
        }
        assert.deepStrictEqual(result.findings, runRules(file, project.index, project.config));
        assert.ok(result.findings.length > 0, 'the file has findings to reuse');
      } finally {
        file.dispose();
      }
    }
  });

  // The test must exercise the incremental path, not only full re-analyses (a broken module-level
  // statement or an edited import makes the analyses after it full, which is right but proves nothing).
  it('took the incremental path often, re-analysing few definitions', () => {
    assert.ok(total.partial >= total.checks / 10, `only ${total.partial} of ${total.checks} analyses were incremental`);
    assert.ok(total.reanalysed * 2 < total.chunks, `incremental analyses re-ran ${total.reanalysed} of ${total.chunks} top-level statements`);
  });
});
