// The dashboard's burn-up history: the share of async endpoints at up to ~30 first-parent
// commits of the current branch, spread over the migration, each computed with the engine on
// the files as they were at that commit — read with `git ls-tree` and `git cat-file --batch`,
// never checked out (the working tree and the index are not touched). Results are cached per
// commit under the git directory (`<git-common-dir>/async-migrate/history.json`, keyed by the
// engine version), so reopening the dashboard is instant.
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { loadPyprojectConfig } from '../analysis/config';
import { asyncShare, type AsyncShare, type History, type HistorySample, migrationStart } from '../analysis/dashboard/model';
import { pickEvenly } from '../analysis/dashboard/charts';
import { parseSource, summarizeSource } from '../analysis/engine';
import { buildInventory } from '../analysis/endpoints/inventory';
import { initParser } from '../analysis/parser';
import { WorkspaceIndex } from '../analysis/workspace';
import { writeFileAtomic } from './fs-atomic';
import { decodePythonBytes, isExcluded } from './index';

/** At most this many commits are analysed for the burn-up. */
export const MAX_SAMPLES = 30;
/** Coarse first pass that finds where the migration starts in a long history. */
const COARSE_SAMPLES = 10;
/** First-parent commits looked at (newest first). */
const MAX_COMMITS = 5000;
/** Bump when what a cached entry means changes (the package version covers engine releases). */
const CACHE_FORMAT = 1;
const ENGINE_VERSION: string = (require('../../../package.json') as { version: string }).version;
export const HISTORY_CACHE_KEY = `${CACHE_FORMAT}:${ENGINE_VERSION}`;

export interface GitCommit {
  commit: string;
  /** Committer date, ISO 8601. */
  date: string;
  subject: string;
}

export class GitUnavailable extends Error {}

function git(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new GitUnavailable('git was not found on PATH'));
        const message = Buffer.isBuffer(stderr) && stderr.length ? stderr.toString('utf8').trim() : error.message;
        reject(new GitUnavailable(`git ${args[0]}: ${message}`));
      } else resolve(stdout);
    });
  });
}

export interface RepoInfo {
  /** The project folder (the workspace root). */
  root: string;
  /** Path of the project folder inside the repository ('' or `backend/`). */
  prefix: string;
  /** Absolute common git directory (shared by worktrees): where the cache lives. */
  gitDir: string;
}

/** The repository holding root, or a GitUnavailable error saying why not. */
export async function repoInfo(root: string): Promise<RepoInfo> {
  const out = (await git(root, ['rev-parse', '--show-prefix', '--git-common-dir'])).toString('utf8').split('\n');
  const prefix = out[0] ?? '';
  const gitDir = path.resolve(root, out[1] ?? '.git');
  return { root, prefix, gitDir };
}

/** First-parent commits of HEAD, oldest first (at most MAX_COMMITS, the newest ones). */
export async function firstParentCommits(root: string): Promise<GitCommit[]> {
  let raw: string;
  try {
    raw = (await git(root, ['log', '--first-parent', '-z', `-n${MAX_COMMITS}`, '--format=%H%x1f%cI%x1f%s', 'HEAD'])).toString('utf8');
  } catch (error) {
    // A repository without commits.
    if (/does not have any commits|unknown revision|bad default revision/.test((error as Error).message)) return [];
    throw error;
  }
  return raw
    .split('\0')
    .filter((r) => r.trim())
    .map((r) => {
      const [commit, date, subject] = r.replace(/^\n/, '').split('\x1f');
      return { commit, date, subject: subject ?? '' };
    })
    .reverse();
}

/** Blob contents by object id, in one `git cat-file --batch` process. */
function readBlobs(root: string, ids: string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (e) => reject(new GitUnavailable(`git cat-file: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new GitUnavailable(`git cat-file exited with ${code}: ${stderr.trim()}`));
      const all = Buffer.concat(chunks);
      const out = new Map<string, Buffer>();
      let at = 0;
      while (at < all.length) {
        const nl = all.indexOf(10, at);
        if (nl < 0) break;
        const header = all.subarray(at, nl).toString('utf8').split(' ');
        at = nl + 1;
        if (header[1] === 'missing') continue;
        const size = Number(header[2]);
        out.set(header[0], all.subarray(at, at + size));
        at += size + 1;
      }
      resolve(out);
    });
    child.stdin.end(ids.map((id) => `${id}\n`).join(''));
  });
}

/** Directories the workspace loader never enters (project.ts findPythonFiles). */
function skippedDir(rel: string): boolean {
  const parts = rel.split('/').slice(0, -1);
  return parts.some((p) => p.startsWith('.') || p === 'node_modules' || p === '__pycache__');
}

/** The share of async endpoints of the project as it was at `commit`. */
export async function shareAtCommit(repo: RepoInfo, commit: string): Promise<AsyncShare> {
  await initParser();
  const listing = (await git(repo.root, ['ls-tree', '-r', '-z', '--full-tree', commit])).toString('utf8');
  const entries: { rel: string; id: string }[] = [];
  for (const line of listing.split('\0')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, id] = line.slice(0, tab).split(' ');
    const full = line.slice(tab + 1);
    if (type !== 'blob' || mode === '120000' || !full.startsWith(repo.prefix)) continue;
    const rel = full.slice(repo.prefix.length);
    if (rel === 'pyproject.toml' || (rel.endsWith('.py') && !skippedDir(rel))) entries.push({ rel, id });
  }
  const blobs = await readBlobs(repo.root, [...new Set(entries.map((e) => e.id))]);
  const pyproject = entries.find((e) => e.rel === 'pyproject.toml');
  const { config } = loadPyprojectConfig(pyproject ? blobs.get(pyproject.id)?.toString('utf8') : undefined, 'pyproject.toml');
  const index = new WorkspaceIndex(config);
  const texts = new Map<string, string>();
  for (const e of entries.sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
    if (!e.rel.endsWith('.py') || isExcluded(e.rel, config)) continue;
    const bytes = blobs.get(e.id);
    const read = bytes ? decodePythonBytes(bytes) : undefined;
    if (read?.text === undefined) continue;
    texts.set(e.rel, read.text);
    const { file } = parseSource(e.rel, read.text, config);
    try {
      index.upsert(summarizeSource(file));
    } finally {
      file.dispose();
    }
  }
  return asyncShare(buildInventory(index, config, { getText: (p) => texts.get(p) }));
}

// ------------------------------------------------------------------ cache

type CacheEntry = { share: AsyncShare } | { error: string };
interface CacheFile {
  key: string;
  entries: Record<string, CacheEntry>;
}

export function historyCachePath(repo: RepoInfo): string {
  return path.join(repo.gitDir, 'async-migrate', 'history.json');
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (parsed && parsed.key === HISTORY_CACHE_KEY && parsed.entries && typeof parsed.entries === 'object') return parsed;
  } catch {
    /* missing or unreadable: start over */
  }
  return { key: HISTORY_CACHE_KEY, entries: {} };
}

function writeCache(file: string, cache: CacheFile): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(cache));
  } catch {
    /* a read-only repository: the history is recomputed next time */
  }
}

// ------------------------------------------------------------------ history

export interface HistoryOptions {
  maxSamples?: number;
  /** Called after each commit analysed or read from the cache. */
  onProgress?: (done: number, total: number, commit: GitCommit) => void;
  /** Stops early (the samples so far are returned). */
  isCancelled?: () => boolean;
  /** Do not read or write the cache (tests). */
  noCache?: boolean;
}

/**
 * The burn-up history of the project at root. A folder outside git, or a repository without
 * commits, gives a History with a `note` and no samples (never an exception).
 */
export async function computeHistory(root: string, options: HistoryOptions = {}): Promise<History> {
  let repo: RepoInfo;
  let commits: GitCommit[];
  try {
    repo = await repoInfo(root);
    commits = await firstParentCommits(root);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { samples: [], commits: 0, note: /not a git repository/i.test(message) ? `not a git repository (${message})` : message };
  }
  if (!commits.length) return { samples: [], commits: 0, note: 'the repository has no commits yet' };
  const max = Math.max(2, options.maxSamples ?? MAX_SAMPLES);
  const cacheFile = historyCachePath(repo);
  const cache = options.noCache ? { key: HISTORY_CACHE_KEY, entries: {} } : readCache(cacheFile);
  let dirty = false;
  const computed = new Map<number, CacheEntry>();
  let done = 0;
  let total = 0;
  const analyse = async (indices: number[]): Promise<void> => {
    const todo = indices.filter((i) => !computed.has(i));
    total += todo.length;
    for (const i of todo) {
      if (options.isCancelled?.()) return;
      const c = commits[i];
      const key = `${repo.prefix}|${c.commit}`;
      let entry = cache.entries[key];
      if (!entry) {
        try {
          entry = { share: await shareAtCommit(repo, c.commit) };
        } catch (error) {
          entry = { error: error instanceof Error ? error.message : String(error) };
        }
        cache.entries[key] = entry;
        dirty = true;
      }
      computed.set(i, entry);
      options.onProgress?.(++done, total, c);
    }
  };
  const all = commits.map((_, i) => i);
  let chosen: number[];
  if (commits.length <= max) {
    chosen = all;
    await analyse(chosen);
  } else {
    // Long history: a coarse pass finds where the share of async endpoints starts to grow,
    // then the samples are spread from the commit before that to the head.
    const coarse = pickEvenly(all, COARSE_SAMPLES);
    await analyse(coarse);
    const shareOf = (i: number) => {
      const e = computed.get(i);
      return e && 'share' in e ? e.share : undefined;
    };
    const base = shareOf(coarse[0]);
    const grew = base ? coarse.findIndex((i) => (shareOf(i)?.async ?? -1) > base.async) : -1;
    const from = grew > 0 ? coarse[grew - 1] : 0;
    chosen = pickEvenly(all.slice(from), max);
    await analyse(chosen);
  }
  if (dirty && !options.noCache) writeCache(cacheFile, cache);
  const samples: HistorySample[] = chosen
    .filter((i) => computed.has(i))
    .map((i) => {
      const c = commits[i];
      const e = computed.get(i)!;
      return 'share' in e ? { ...c, share: e.share } : { ...c, share: null, error: e.error };
    });
  const start = migrationStart(samples);
  return { samples, commits: commits.length, ...(start ? { start } : {}) };
}

/**
 * computeHistory in a worker thread (dist/server/history-worker.js next to the bundle, or the
 * TypeScript source under tsx), so the caller's event loop stays free — the language server
 * keeps answering while commits are analysed. Runs in this thread when no worker script exists.
 */
export function computeHistoryInWorker(root: string, options: Omit<HistoryOptions, 'noCache'> = {}): Promise<History> {
  const js = path.join(__dirname, 'history-worker.js');
  const ts = path.join(__dirname, 'history-worker.ts');
  const workerData = { root, maxSamples: options.maxSamples };
  let worker: Worker;
  if (fs.existsSync(js)) worker = new Worker(js, { workerData });
  else if (fs.existsSync(ts)) worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { eval: true, workerData });
  else return computeHistory(root, options);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      fn();
      void worker.terminate();
    };
    // Cancellation: the worker is stopped; the samples so far are lost (the cache keeps what it wrote).
    const poll = setInterval(() => {
      if (options.isCancelled?.()) finish(() => resolve({ samples: [], commits: 0, note: 'cancelled' }));
    }, 100);
    worker.on('message', (m: { type: string; done?: number; total?: number; commit?: GitCommit; history?: History; message?: string }) => {
      if (m.type === 'progress' && m.commit) options.onProgress?.(m.done ?? 0, m.total ?? 0, m.commit);
      else if (m.type === 'done' && m.history) finish(() => resolve(m.history!));
      else if (m.type === 'error') finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the history worker exited with code ${code}`))));
  });
}
