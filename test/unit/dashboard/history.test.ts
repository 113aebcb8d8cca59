// The burn-up history from git (project/git-history.ts) on a scripted temporary repository:
// the share of async endpoints per commit, sampling of long histories, the per-commit cache
// under the git directory, no change to the working tree, and clear notes outside git.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computeHistory, computeHistoryInWorker, firstParentCommits, HISTORY_CACHE_KEY, historyCachePath, repoInfo } from '../../../server/src/project/git-history';
import { HISTORY_STEPS, git, makeHistoryRepo, stepDate } from './history-repo';

describe('dashboard history (git)', function () {
  this.timeout(60_000);
  let root: string;

  before(() => {
    root = makeHistoryRepo();
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('computes the share of async endpoints at every commit of a short branch, oldest first', async () => {
    const progress: string[] = [];
    const history = await computeHistory(root, { noCache: true, onProgress: (done, total, c) => progress.push(`${done}/${total} ${c.subject}`) });
    assert.strictEqual(history.commits, HISTORY_STEPS.length);
    assert.deepStrictEqual(
      history.samples.map((s) => [s.subject, s.date, s.share?.percent, s.share?.tiers[0].percent]),
      HISTORY_STEPS.map((step, i) => [step.subject, stepDate(i), step.percent, step.tier1]),
    );
    assert.deepStrictEqual(
      history.samples.map((s) => s.share!.tiers.map((t) => t.total)),
      HISTORY_STEPS.map(() => [2, 1, 1]),
      'tiers: /users is tier 1, /reports tier 2, /admin tier 3',
    );
    assert.strictEqual(progress.length, HISTORY_STEPS.length);
    assert.strictEqual(progress[progress.length - 1], `${HISTORY_STEPS.length}/${HISTORY_STEPS.length} Migrate admin settings`);
    // The clock starts at the last commit before the first migrated endpoint.
    assert.strictEqual(history.start, stepDate(1));
  });

  it('never touches the working tree, the index or HEAD', async () => {
    const head = git(root, ['rev-parse', 'HEAD']);
    fs.writeFileSync(path.join(root, 'app/api/users.py'), '# uncommitted edit\n');
    const before = fs.statSync(path.join(root, 'app/api/users.py')).mtimeMs;
    const status = git(root, ['status', '--porcelain']);
    await computeHistory(root, { noCache: true });
    assert.strictEqual(git(root, ['rev-parse', 'HEAD']), head);
    assert.strictEqual(git(root, ['status', '--porcelain']), status);
    assert.strictEqual(fs.readFileSync(path.join(root, 'app/api/users.py'), 'utf8'), '# uncommitted edit\n');
    assert.strictEqual(fs.statSync(path.join(root, 'app/api/users.py')).mtimeMs, before);
    git(root, ['checkout', '--', 'app/api/users.py']);
  });

  it('caches every commit under the git directory, keyed by engine version; a second run reads the cache', async () => {
    const repo = await repoInfo(root);
    const file = historyCachePath(repo);
    assert.ok(file.startsWith(path.join(fs.realpathSync(root), '.git') + path.sep) || file.startsWith(path.join(root, '.git') + path.sep), file);
    fs.rmSync(file, { force: true });
    const first = await computeHistory(root);
    const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; entries: Record<string, { share?: { percent: number } }> };
    assert.strictEqual(cache.key, HISTORY_CACHE_KEY);
    assert.strictEqual(Object.keys(cache.entries).length, HISTORY_STEPS.length);
    // Tamper with one cached entry: the next run must return it (it did not recompute).
    const last = first.samples[first.samples.length - 1].commit;
    cache.entries[`|${last}`].share!.percent = 42;
    fs.writeFileSync(file, JSON.stringify(cache));
    const second = await computeHistory(root);
    assert.strictEqual(second.samples[second.samples.length - 1].share!.percent, 42);
    // Another engine version ignores the cache.
    fs.writeFileSync(file, JSON.stringify({ ...cache, key: 'old' }));
    const third = await computeHistory(root);
    assert.strictEqual(third.samples[third.samples.length - 1].share!.percent, 100);
    assert.strictEqual(git(root, ['status', '--porcelain']), '', 'the cache is not in the working tree');
  });

  it('a long history is sampled over the migration: from the commit before the first growth to the head', async () => {
    const history = await computeHistory(root, { noCache: true, maxSamples: 3 });
    assert.deepStrictEqual(
      history.samples.map((s) => s.subject),
      ['README', 'Migrate GET /api/users/{user_id}', 'Migrate admin settings'],
    );
    assert.strictEqual(history.commits, HISTORY_STEPS.length);
  });

  it('only first-parent commits of the branch count (a merged side branch is one step)', async () => {
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'am-history-merge-'));
    try {
      git(clone, ['clone', '-q', root, '.']);
      git(clone, ['config', 'user.name', 'Test']);
      git(clone, ['config', 'user.email', 'test@example.com']);
      git(clone, ['checkout', '-q', '-b', 'side', 'HEAD~1']);
      fs.writeFileSync(path.join(clone, 'side.txt'), 'x\n');
      git(clone, ['add', '-A']);
      git(clone, ['commit', '-q', '-m', 'side work']);
      git(clone, ['checkout', '-q', 'main']);
      git(clone, ['merge', '-q', '--no-ff', '--no-edit', 'side']);
      const commits = await firstParentCommits(clone);
      assert.ok(!commits.some((c) => c.subject === 'side work'));
      assert.strictEqual(commits.length, HISTORY_STEPS.length + 1);
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });

  it('outside git, or without commits, the history is empty with a note', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'am-history-plain-'));
    try {
      const none = await computeHistory(plain);
      assert.deepStrictEqual(none.samples, []);
      assert.match(none.note ?? '', /not a git repository/);
      git(plain, ['init', '-q']);
      const empty = await computeHistory(plain);
      assert.deepStrictEqual(empty.samples, []);
      assert.strictEqual(empty.note, 'the repository has no commits yet');
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });

  it('in a worker thread (what the language server uses): the same history, progress reported, cancellable', async () => {
    const repo = await repoInfo(root);
    fs.rmSync(historyCachePath(repo), { force: true });
    const progress: number[] = [];
    const inWorker = await computeHistoryInWorker(root, { onProgress: (done) => progress.push(done) });
    assert.deepStrictEqual(inWorker, await computeHistory(root, { noCache: true }));
    assert.deepStrictEqual(progress, HISTORY_STEPS.map((_, i) => i + 1));
    fs.rmSync(historyCachePath(repo), { force: true });
    const cancelled = await computeHistoryInWorker(root, { isCancelled: () => true });
    assert.strictEqual(cancelled.note, 'cancelled');
  });

  it('without git on PATH the note says so', async () => {
    const saved = process.env.PATH;
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'am-no-git-'));
    try {
      const none = await computeHistory(root, { noCache: true });
      assert.deepStrictEqual(none.samples, []);
      assert.strictEqual(none.note, 'git was not found on PATH');
    } finally {
      fs.rmSync(process.env.PATH!, { recursive: true, force: true });
      process.env.PATH = saved;
    }
  });

  it('a project in a subfolder of the repository reads its own files (monorepo)', async () => {
    const mono = fs.mkdtempSync(path.join(os.tmpdir(), 'am-history-mono-'));
    try {
      git(mono, ['init', '-q', '-b', 'main']);
      fs.cpSync(root, path.join(mono, 'backend'), { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
      fs.writeFileSync(path.join(mono, 'other.py'), 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/x")\ndef x():\n    return 1\n');
      git(mono, ['add', '-A']);
      git(mono, ['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'all']);
      const history = await computeHistory(path.join(mono, 'backend'), { noCache: true });
      assert.deepStrictEqual(history.samples.map((s) => [s.share?.total, s.share?.async]), [[4, 4]]);
    } finally {
      fs.rmSync(mono, { recursive: true, force: true });
    }
  });
});
