// The checklist's git actions against temporary repositories: branch from an up-to-date main
// (fast-forwarding from a remote), refusals (dirty tree, missing main, existing branch, diverged
// main, bad name), the self-review diff, and arguments that would be dangerous in a shell.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitError, createEndpointBranch, currentBranch, diffAgainstMain, dirtyFiles, git, isValidBranchName } from '../../../client/src/migration/git';

const temps: string[] = [];

function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
}

/** A repository with one commit on `main` (or another initial branch). */
function makeRepo(initial = 'main'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-git-'));
  temps.push(dir);
  sh(dir, 'init', '-q', '-b', initial);
  sh(dir, 'config', 'user.name', 'Ana García');
  sh(dir, 'config', 'user.email', 'ana@example.com');
  fs.writeFileSync(path.join(dir, 'app.py'), 'def checkin():\n    return 1\n');
  sh(dir, 'add', '.');
  sh(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

async function rejects(p: Promise<unknown>, reason: GitError['reason'], message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof GitError, String(e));
    assert.strictEqual(e.reason, reason, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('checklist git actions', function () {
  this.timeout(30_000);
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('creates the endpoint branch from main and switches to it', async () => {
    const repo = makeRepo();
    sh(repo, 'switch', '-q', '-c', 'elsewhere');
    fs.writeFileSync(path.join(repo, 'other.py'), 'x = 1\n');
    sh(repo, 'add', '.');
    sh(repo, 'commit', '-q', '-m', 'other');
    const result = await createEndpointBranch(repo, 'async/endpoint-attendance-checkin-2026-01-12', { fetch: false });
    assert.strictEqual(await currentBranch(repo), 'async/endpoint-attendance-checkin-2026-01-12');
    assert.strictEqual(result.base, sh(repo, 'rev-parse', 'main').trim(), 'starts at main, not at the branch we were on');
    assert.ok(!fs.existsSync(path.join(repo, 'other.py')));
  });

  it('refuses a dirty working tree (untracked files are fine)', async () => {
    const repo = makeRepo();
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'untracked\n');
    assert.deepStrictEqual(await dirtyFiles(repo), []);
    fs.appendFileSync(path.join(repo, 'app.py'), '# edit\n');
    assert.deepStrictEqual(await dirtyFiles(repo), ['app.py']);
    await rejects(createEndpointBranch(repo, 'async/endpoint-x-2026-01-12'), 'dirty', /uncommitted changes \(app\.py\)/);
    assert.strictEqual(await currentBranch(repo), 'main', 'nothing switched');
    // Staged changes count too.
    sh(repo, 'add', 'app.py');
    await rejects(createEndpointBranch(repo, 'async/endpoint-x-2026-01-12'), 'dirty', /commit or stash/);
  });

  it('refuses a repository without main, an existing branch and a bad name', async () => {
    const master = makeRepo('master');
    await rejects(createEndpointBranch(master, 'async/endpoint-x-2026-01-12'), 'noMain', /no local "main" branch/);
    const repo = makeRepo();
    sh(repo, 'branch', 'async/endpoint-x-2026-01-12');
    await rejects(createEndpointBranch(repo, 'async/endpoint-x-2026-01-12'), 'exists', /already exists/);
    await rejects(createEndpointBranch(repo, 'async/bad..name'), 'badName', /not a valid branch name/);
    await rejects(createEndpointBranch(repo, '-f'), 'badName', /not a valid branch name/);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'am-nogit-'));
    temps.push(outside);
    await rejects(createEndpointBranch(outside, 'async/endpoint-x'), 'notRepo', /not inside a git repository/);
  });

  it('fast-forwards main from origin before branching, and refuses a diverged main', async () => {
    const upstream = makeRepo();
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'am-clone-'));
    temps.push(clone);
    sh(os.tmpdir(), 'clone', '-q', upstream, clone);
    sh(clone, 'config', 'user.name', 'Ana');
    sh(clone, 'config', 'user.email', 'ana@example.com');
    // upstream moves on
    fs.writeFileSync(path.join(upstream, 'new.py'), 'y = 2\n');
    sh(upstream, 'add', '.');
    sh(upstream, 'commit', '-q', '-m', 'upstream work');
    const head = sh(upstream, 'rev-parse', 'HEAD').trim();
    const result = await createEndpointBranch(clone, 'async/endpoint-users-me-2026-01-12');
    assert.strictEqual(result.base, head, 'branched from the fetched main');
    assert.ok(result.notes.some((n) => /fast-forwarded/.test(n)), JSON.stringify(result.notes));
    assert.strictEqual(sh(clone, 'rev-parse', 'main').trim(), head);
    // Now main gets a local commit that origin does not have, and origin moves too.
    sh(clone, 'switch', '-q', 'main');
    fs.writeFileSync(path.join(clone, 'local.py'), 'z = 3\n');
    sh(clone, 'add', '.');
    sh(clone, 'commit', '-q', '-m', 'local only');
    fs.writeFileSync(path.join(upstream, 'more.py'), 'w = 4\n');
    sh(upstream, 'add', '.');
    sh(upstream, 'commit', '-q', '-m', 'more upstream work');
    await rejects(createEndpointBranch(clone, 'async/endpoint-users-me-2026-01-13'), 'diverged', /not on origin\/main/);
  });

  it('passes names as arguments, never through a shell', async () => {
    const repo = makeRepo();
    const marker = path.join(repo, 'pwned');
    // Valid for git, dangerous for a shell: nothing may run.
    const name = `async/endpoint-$(touch${'${IFS}'}${marker})`;
    assert.strictEqual(await isValidBranchName(repo, name), true);
    await createEndpointBranch(repo, name, { fetch: false });
    assert.strictEqual(await currentBranch(repo), name);
    assert.ok(!fs.existsSync(marker), 'no command substitution happened');
    const r = await git(repo, ['log', '--format=%s', '-1']);
    assert.strictEqual(r.stdout.trim(), 'init');
  });

  it('shows git diff main...HEAD for the self-review', async () => {
    const repo = makeRepo();
    await createEndpointBranch(repo, 'async/endpoint-app-checkin-2026-01-12', { fetch: false });
    assert.strictEqual(await diffAgainstMain(repo), '');
    fs.writeFileSync(path.join(repo, 'app.py'), 'async def checkin():\n    return 1\n');
    sh(repo, 'commit', '-q', '-am', 'migrate');
    const diff = await diffAgainstMain(repo);
    assert.match(diff, /^-def checkin\(\):$/m);
    assert.match(diff, /^\+async def checkin\(\):$/m);
    await rejects(diffAgainstMain(makeRepo('master')), 'noMain', /no local "main"/);
  });
});
