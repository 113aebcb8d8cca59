// docs/async-migration/progress.md on disk, shared by the CLI and the editor: reads never
// lose anything; writes take a lock file (O_EXCL, stale after 30 s), re-read the file inside
// the lock, change only the tool's regions, and replace the file atomically (temp + rename in
// the same directory). A corrupt state block is reported with its line, and the file is
// copied to progress.md.bak-<timestamp> before anything is rewritten.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Inventory } from '../analysis/endpoints/types';
import { writeFileAtomic } from './fs-atomic';
import { ProgressParseError, parseProgress, recoverConflictedState, renderProgress, type ProgressDocument } from '../analysis/progress/document';
import { renderTables } from '../analysis/progress/render';
import { type EndpointState, type OrphanChanges, type ProgressState, emptyState, isEmptyState, reconcileOrphans } from '../analysis/progress/state';

export { ProgressParseError };

export const PROGRESS_FILE = 'docs/async-migration/progress.md';
export const LOCK_STALE_MS = 30_000;

export function progressPath(root: string): string {
  return path.join(root, ...PROGRESS_FILE.split('/'));
}

export interface ProgressRead {
  path: string;
  exists: boolean;
  /** The parsed document (undefined when the file does not exist or is corrupt). */
  document?: ProgressDocument;
  /** The state (empty when the file does not exist). */
  state: ProgressState;
  /** Set when the tool regions are corrupt; state is then empty and must not be written back. */
  error?: ProgressParseError;
}

/** progress.md exists but cannot be read (a directory, no permission): nothing is written over it. */
export class ProgressReadError extends Error {}

function readDocument(file: string, label: string): ProgressRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path: file, exists: false, state: emptyState() };
    throw new ProgressReadError(`cannot read ${label}: ${code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`);
  }
  try {
    const document = parseProgress(text, label);
    return { path: file, exists: true, document, state: document.state };
  } catch (error) {
    if (error instanceof ProgressParseError) return { path: file, exists: true, state: emptyState(), error };
    throw error;
  }
}

/** Reads progress.md under root. Never throws for a corrupt block: see `error`. */
export function readProgress(root: string): ProgressRead {
  return readDocument(progressPath(root), PROGRESS_FILE);
}

// ---------------------------------------------------------------------------------------------
// Lock

export interface LockOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  staleMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lockIsStale(lockPath: string, staleMs: number): { stale: boolean; content: string } {
  let content = '';
  try {
    content = fs.readFileSync(lockPath, 'utf8');
    const stat = fs.statSync(lockPath);
    if (Date.now() - stat.mtimeMs > staleMs) return { stale: true, content };
    // A lock left by a dead process on this machine is stale at once.
    const info = JSON.parse(content) as { pid?: number; host?: string };
    if (info.host === os.hostname() && typeof info.pid === 'number' && info.pid !== process.pid) {
      try {
        process.kill(info.pid, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') return { stale: true, content };
      }
    }
  } catch {
    // Being written right now (empty / partial JSON) or just removed: not stale.
  }
  return { stale: false, content };
}

/** Runs fn while holding `<file>.lock`. */
export async function withFileLock<T>(file: string, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + timeoutMs;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let delay = 5;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      try {
        fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString(), token }));
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const { stale, content } = lockIsStale(lockPath, staleMs);
    if (stale) {
      // Break the lock only if it is still the one we judged stale (rename is atomic).
      const aside = `${lockPath}.stale-${token}`;
      try {
        fs.renameSync(lockPath, aside);
        const moved = fs.readFileSync(aside, 'utf8');
        if (moved !== content) fs.renameSync(aside, lockPath); // someone re-locked meanwhile: put it back
        else fs.unlinkSync(aside);
      } catch {
        /* another process broke it first */
      }
      continue;
    }
    if (Date.now() > deadline) {
      let holder = '';
      try {
        const info = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: number; at?: string; host?: string };
        holder = ` (held by pid ${info.pid} on ${info.host} since ${info.at})`;
      } catch {
        /* ignore */
      }
      throw new Error(`could not lock ${lockPath} within ${timeoutMs / 1000} s${holder}; if no async-migrate is running, delete the lock file`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
  try {
    return await fn();
  } finally {
    try {
      const content = fs.readFileSync(lockPath, 'utf8');
      if (content.includes(token)) fs.unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Backup (atomic writes: fs-atomic.ts)

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Copies file to `<file>.bak-<timestamp>` (never overwriting an older backup); returns its path. */
export function backupFile(file: string): string {
  const base = `${file}.bak-${timestamp()}`;
  for (let n = 0; ; n++) {
    const candidate = n ? `${base}-${n}` : base;
    try {
      fs.copyFileSync(file, candidate, fs.constants.COPYFILE_EXCL);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The editor / CLI API

export interface WriteOptions extends LockOptions {
  /** Rewrite a corrupt state block: merge both sides of conflict markers when possible, else start empty (after a backup). */
  repair?: boolean;
  /** Today's date (tests). */
  today?: string;
}

export interface WriteResult {
  path: string;
  created: boolean;
  changed: boolean;
  orphans: OrphanChanges;
  /** Set when a corrupt file was repaired: where the old file was copied, and what happened. */
  repaired?: { backupPath: string; recovered: boolean; problem: string };
  warnings: string[];
}

function corrupt(read: ProgressRead, file: string, options: WriteOptions): { state: ProgressState; repaired: WriteResult['repaired'] } {
  const error = read.error!;
  error.backupPath = backupFile(file);
  if (!options.repair) throw error;
  let state = emptyState();
  let recovered = false;
  if (error.kind === 'conflict') {
    const r = recoverConflictedState(fs.readFileSync(file, 'utf8'));
    if (r.recovered) {
      state = r.state;
      recovered = true;
    }
  }
  return { state, repaired: { backupPath: error.backupPath, recovered, problem: error.message } };
}

/**
 * Rewrites the generated tables (and reconciles orphaned state) from an inventory, keeping the
 * rest of the file byte for byte. Creates the file when missing.
 */
export async function writeProgress(root: string, inventory: Inventory, options: WriteOptions = {}): Promise<WriteResult> {
  const file = progressPath(root);
  return withFileLock(
    file,
    () => {
      const read = readDocument(file, PROGRESS_FILE);
      let state = read.state;
      let repaired: WriteResult['repaired'];
      let document = read.document;
      if (read.error) {
        ({ state, repaired } = corrupt(read, file, options));
        document = repairedDocument(fs.readFileSync(file, 'utf8'));
      }
      state = JSON.parse(JSON.stringify(state)) as ProgressState;
      const orphans = reconcileOrphans(state, new Set(inventory.endpoints.map((e) => e.id)), options.today ?? new Date().toISOString().slice(0, 10));
      const text = renderProgress(document, state, renderTables(inventory, state));
      const changed = !read.exists || text !== document?.text || !!repaired;
      if (changed) writeFileAtomic(file, text);
      return { path: file, created: !read.exists, changed, orphans, repaired, warnings: document?.warnings ?? [] };
    },
    options,
  );
}

/** The document of a corrupt file with its tool regions dropped (text outside them kept). */
function repairedDocument(text: string): ProgressDocument {
  // Remove everything from each start marker to its end marker (or to the end of the file).
  const lines = text.split(/(?<=\n)/);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const t = line.trim();
    if (/^<!--\s*async-migrate:(state\s+v\d+|tables)\s*-->$/.test(t)) {
      skipping = true;
      continue;
    }
    if (/^<!--\s*\/async-migrate:(state|tables)\s*-->$/.test(t)) {
      skipping = false;
      continue;
    }
    if (!skipping) kept.push(line);
  }
  return parseProgress(kept.join('').replace(/(\r?\n){3,}$/, '$1'));
}

export interface UpdateOptions extends LockOptions {
  /** When given, the generated tables are refreshed too. */
  inventory?: Inventory;
}

/**
 * Read-modify-write of one endpoint's state under the lock. The mutator gets a copy of the
 * current state (an empty object when there is none) and returns the new one (or mutates it).
 * Throws ProgressParseError (after a backup) when the file's state block is corrupt.
 */
export async function updateEndpointState(
  root: string,
  id: string,
  mutator: (state: EndpointState) => EndpointState | void,
  options: UpdateOptions = {},
): Promise<EndpointState> {
  const file = progressPath(root);
  return withFileLock(
    file,
    () => {
      const read = readDocument(file, PROGRESS_FILE);
      if (read.error) {
        read.error.backupPath = backupFile(file);
        throw read.error;
      }
      const state = JSON.parse(JSON.stringify(read.state)) as ProgressState;
      const current = (JSON.parse(JSON.stringify(state.endpoints[id] ?? {})) as EndpointState);
      const next = mutator(current) ?? current;
      if (isEmptyState(next)) delete state.endpoints[id];
      else state.endpoints[id] = next;
      // A new file gets a tables region right away (filled by the next `progress --write`).
      const tables = options.inventory ? renderTables(options.inventory, state) : read.document ? undefined : '_Run `async-migrate progress --write` to fill in the tables._';
      const text = renderProgress(read.document, state, tables);
      if (text !== read.document?.text) writeFileAtomic(file, text);
      return next;
    },
    options,
  );
}

/** Convenience for the checklist: tick or untick one manual item. */
export function setChecklistItem(root: string, id: string, itemId: string, done: boolean, by?: string, options: UpdateOptions = {}): Promise<EndpointState> {
  return updateEndpointState(
    root,
    id,
    (s) => {
      s.checklist = { ...(s.checklist ?? {}), [itemId]: { done, ...(by ? { by } : {}), at: new Date().toISOString() } };
    },
    options,
  );
}

/** Records the result of a test run for an endpoint. */
export function recordTestRun(root: string, id: string, run: { passed: boolean; command: string; exitCode?: number; durationMs?: number }, options: UpdateOptions = {}): Promise<EndpointState> {
  return updateEndpointState(
    root,
    id,
    (s) => {
      s.tests = { ...(s.tests ?? {}), lastRun: { ...run, at: new Date().toISOString() } };
    },
    options,
  );
}
