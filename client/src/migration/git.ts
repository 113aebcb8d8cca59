// Git for the checklist's Preparation and Code review steps. Every call is
// `execFile('git', [...args])`: no shell, arguments never interpolated into a command string.
// No vscode import, so tests drive it against temporary repositories.
import { execFile } from 'child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly reason: 'notRepo' | 'noGit' | 'dirty' | 'noMain' | 'diverged' | 'exists' | 'badName' | 'failed',
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Runs git with an argument array in cwd (never a shell). */
export function git(cwd: string, args: string[], timeoutMs = 60_000): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, windowsHide: true },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new GitError('git is not installed or not on the PATH', 'noGit'));
          return;
        }
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

async function ok(cwd: string, args: string[], what: string): Promise<string> {
  const r = await git(cwd, args);
  if (r.code !== 0) throw new GitError(`${what} failed: ${(r.stderr || r.stdout).trim() || `git ${args[0]} exited with ${r.code}`}`, 'failed', r.stderr);
  return r.stdout;
}

/** The repository's top level, or a GitError('notRepo'). */
export async function repoRoot(cwd: string): Promise<string> {
  const r = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (r.code !== 0) throw new GitError(`${cwd} is not inside a git repository`, 'notRepo', r.stderr);
  return r.stdout.trim();
}

/** Tracked files with changes (staged or not). Untracked files do not block a branch switch. */
export async function dirtyFiles(cwd: string): Promise<string[]> {
  const out = await ok(cwd, ['status', '--porcelain', '--untracked-files=no'], 'git status');
  return out
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .map((l) => l.slice(3));
}

export async function currentBranch(cwd: string): Promise<string | undefined> {
  const r = await git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

async function refExists(cwd: string, ref: string): Promise<boolean> {
  return (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).code === 0;
}

export async function isValidBranchName(cwd: string, name: string): Promise<boolean> {
  if (!name || name.startsWith('-')) return false;
  return (await git(cwd, ['check-ref-format', '--branch', name])).code === 0;
}

export interface CreateBranchOptions {
  /** The branch to start from (default `main`). */
  main?: string;
  /** The remote to update main from when it exists (default `origin`). */
  remote?: string;
  /** Skip `git fetch` (tests, offline). */
  fetch?: boolean;
}

export interface CreateBranchResult {
  branch: string;
  /** The commit the branch starts at. */
  base: string;
  /** Things worth telling the user (main fast-forwarded, fetch failed…). */
  notes: string[];
}

/**
 * The seed's Preparation step: `git checkout main && git pull origin main && git checkout -b
 * <branch>`, done safely: refuses on uncommitted changes to tracked files, a missing main, an
 * existing branch or a main that diverged from its remote; fast-forwards main from the remote
 * when it is behind; then creates and switches to the branch.
 */
export async function createEndpointBranch(cwd: string, branch: string, options: CreateBranchOptions = {}): Promise<CreateBranchResult> {
  const main = options.main ?? 'main';
  const remote = options.remote ?? 'origin';
  const top = await repoRoot(cwd);
  if (!(await isValidBranchName(top, branch))) throw new GitError(`"${branch}" is not a valid branch name (check the branchTemplate setting)`, 'badName');
  const dirty = await dirtyFiles(top);
  if (dirty.length) {
    const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? ` and ${dirty.length - 5} more` : '');
    throw new GitError(`the working tree has uncommitted changes (${shown}); commit or stash them first`, 'dirty');
  }
  if (!(await refExists(top, `refs/heads/${main}`))) throw new GitError(`there is no local "${main}" branch to start from`, 'noMain');
  if (await refExists(top, `refs/heads/${branch}`)) throw new GitError(`a branch named "${branch}" already exists`, 'exists');
  const notes: string[] = [];
  const remotes = (await ok(top, ['remote'], 'git remote')).split('\n').map((r) => r.trim());
  if (remotes.includes(remote) && options.fetch !== false) {
    const fetched = await git(top, ['fetch', '--quiet', remote, main], 120_000);
    if (fetched.code !== 0) notes.push(`could not fetch ${remote}/${main} (${fetched.stderr.trim() || 'offline?'}); branched from the local ${main}`);
    else {
      const tracking = `refs/remotes/${remote}/${main}`;
      if (await refExists(top, tracking)) {
        const [local, upstream] = [(await ok(top, ['rev-parse', `refs/heads/${main}`], 'rev-parse')).trim(), (await ok(top, ['rev-parse', tracking], 'rev-parse')).trim()];
        if (local !== upstream) {
          const behind = (await git(top, ['merge-base', '--is-ancestor', local, upstream])).code === 0;
          if (!behind) throw new GitError(`"${main}" has commits that are not on ${remote}/${main}; reconcile them before branching`, 'diverged');
          // Fast-forward main without checking it out (or with, when it is checked out).
          if ((await currentBranch(top)) === main) await ok(top, ['merge', '--ff-only', '--quiet', tracking], `fast-forwarding ${main}`);
          else await ok(top, ['update-ref', `refs/heads/${main}`, upstream, local], `fast-forwarding ${main}`);
          notes.push(`${main} fast-forwarded to ${remote}/${main}`);
        }
      }
    }
  }
  await ok(top, ['switch', '--quiet', '-c', branch, main], `creating ${branch}`);
  const base = (await ok(top, ['rev-parse', 'HEAD'], 'rev-parse')).trim();
  return { branch, base, notes };
}

/** `git diff main...HEAD` (the seed's self-review), as text. */
export async function diffAgainstMain(cwd: string, main = 'main'): Promise<string> {
  const top = await repoRoot(cwd);
  if (!(await refExists(top, `refs/heads/${main}`))) throw new GitError(`there is no local "${main}" branch to compare with`, 'noMain');
  return ok(top, ['diff', '--no-color', '--no-ext-diff', `${main}...HEAD`], `git diff ${main}...HEAD`);
}

/** git config user.name, for "ticked by" (undefined when unset). */
export async function userName(cwd: string): Promise<string | undefined> {
  try {
    const r = await git(cwd, ['config', 'user.name'], 5_000);
    return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}
