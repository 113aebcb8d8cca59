// A scripted git history for the dashboard tests: a small FastAPI app in a temporary repository
// (never in the checkout) whose endpoints are migrated to async one commit per week.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const MAIN = `from fastapi import FastAPI

from app.api import admin, reports, users

app = FastAPI()
app.include_router(users.router, prefix="/api/users")
app.include_router(reports.router, prefix="/api/reports")
app.include_router(admin.router, prefix="/api/admin")
`;

function usersModule(meAsync: boolean, byIdAsync: boolean): string {
  return `from fastapi import APIRouter

router = APIRouter()


@router.get("/me")
${meAsync ? 'async ' : ''}def read_me():
    return {"id": 1}


@router.get("/{user_id}")
${byIdAsync ? 'async ' : ''}def read_user(user_id: int):
    return {"id": user_id}
`;
}

function reportsModule(isAsync: boolean): string {
  return `from fastapi import APIRouter

router = APIRouter()


@router.get("/monthly")
${isAsync ? 'async ' : ''}def monthly_report():
    return []
`;
}

function adminModule(isAsync: boolean): string {
  return `from fastapi import APIRouter

router = APIRouter()


@router.post("/settings")
${isAsync ? 'async ' : ''}def update_settings():
    return {"ok": True}
`;
}

/** One commit per step: [files to write, subject]. The share of async endpoints after each. */
export const HISTORY_STEPS: { subject: string; files: Record<string, string>; percent: number; tier1: number }[] = [
  { subject: 'Initial sync app', files: { 'app/__init__.py': '', 'app/api/__init__.py': '', 'app/main.py': MAIN, 'app/api/users.py': usersModule(false, false), 'app/api/reports.py': reportsModule(false), 'app/api/admin.py': adminModule(false) }, percent: 0, tier1: 0 },
  { subject: 'README', files: { 'README.md': '# app\n' }, percent: 0, tier1: 0 },
  { subject: 'Migrate GET /api/users/me', files: { 'app/api/users.py': usersModule(true, false) }, percent: 25, tier1: 50 },
  { subject: 'Migrate GET /api/users/{user_id}', files: { 'app/api/users.py': usersModule(true, true) }, percent: 50, tier1: 100 },
  { subject: 'Migrate reports', files: { 'app/api/reports.py': reportsModule(true) }, percent: 75, tier1: 100 },
  { subject: 'Migrate admin settings', files: { 'app/api/admin.py': adminModule(true) }, percent: 100, tier1: 100 },
];

/** Commit dates: one week apart from 2026-01-05. */
export function stepDate(i: number): string {
  return new Date(Date.UTC(2026, 0, 5 + 7 * i, 12)).toISOString().replace('.000Z', '+00:00');
}

export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, ...env } });
}

/** Creates the repository in a new temporary directory and returns its path. */
export function makeHistoryRepo(steps = HISTORY_STEPS): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'am-history-'));
  git(root, ['init', '-q', '-b', 'main']);
  git(root, ['config', 'user.name', 'Test']);
  git(root, ['config', 'user.email', 'test@example.com']);
  git(root, ['config', 'commit.gpgsign', 'false']);
  steps.forEach((step, i) => {
    for (const [rel, text] of Object.entries(step.files)) {
      const abs = path.join(root, ...rel.split('/'));
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
    }
    git(root, ['add', '-A']);
    const date = stepDate(i);
    git(root, ['commit', '-q', '-m', step.subject], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  });
  return root;
}

/** Endpoint modules of examples/gym-app in the order the scripted history migrates them (tier 1 first, billing last). */
export const GYM_APP_MIGRATION_ORDER = [
  'users.py',
  'auth/tokens.py',
  'attendance.py',
  'events.py',
  'schedule/sessions.py',
  'schedule/participation.py',
  'activity_feed.py',
  'user_dashboard.py',
  'memberships.py',
  'webhooks/stripe_webhooks.py',
];
const GYM_ENDPOINTS = 'app/api/v1/endpoints';

/**
 * A temporary copy of examples/gym-app (from `source`) with a scripted history: the first commit
 * has every top-level `async def` of the endpoint modules turned into `def` (the app before the
 * migration), then one commit per module restores it as it is in the example (that module
 * migrated), four days apart from 2026-01-05. Returns the repository path.
 */
export function makeGymAppHistory(source: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'am-gym-history-'));
  fs.cpSync(source, root, { recursive: true, filter: (src) => !/__pycache__|\.pytest_cache|[\\/]docs([\\/]|$)/.test(src) });
  git(root, ['init', '-q', '-b', 'main']);
  git(root, ['config', 'user.name', 'Test']);
  git(root, ['config', 'user.email', 'test@example.com']);
  git(root, ['config', 'commit.gpgsign', 'false']);
  const originals = new Map<string, string>();
  for (const rel of GYM_APP_MIGRATION_ORDER) {
    const abs = path.join(root, GYM_ENDPOINTS, ...rel.split('/'));
    const text = fs.readFileSync(abs, 'utf8');
    originals.set(rel, text);
    fs.writeFileSync(abs, text.replace(/^async def /gm, 'def '));
  }
  const commit = (subject: string, i: number) => {
    git(root, ['add', '-A']);
    const date = new Date(Date.UTC(2026, 0, 5 + 4 * i, 12)).toISOString().replace('.000Z', '+00:00');
    git(root, ['commit', '-q', '-m', subject], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  };
  commit('gym-app before the migration', 0);
  GYM_APP_MIGRATION_ORDER.forEach((rel, i) => {
    fs.writeFileSync(path.join(root, GYM_ENDPOINTS, ...rel.split('/')), originals.get(rel)!);
    commit(`Migrate ${rel}`, i + 1);
  });
  return root;
}
