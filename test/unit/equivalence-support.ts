// Shared by the executed equivalence proofs (equivalence.test.ts, equivalence-multifile.test.ts).
import { spawnSync } from 'child_process';

// The interpreter with SQLAlchemy + aiosqlite (Debian packages in CI); overridable for other setups.
export const PYTHON = process.env.ASYNC_MIGRATE_PYTHON ?? '/usr/bin/python3';

/** The legacy module as the migration leaves it before AM101 runs: cases become `async def` on an AsyncSession. */
export function asyncVersion(text: string): string {
  return text
    .replace(/^def (case_\w+)\(db\):/gm, 'async def $1(db: AsyncSession):')
    // Helpers typed with the sync Session get the AsyncSession, as AM103's switch does.
    .replace(/^(def \w+\(db): Session\b/gm, '$1: AsyncSession')
    .replace(/^from sqlalchemy import func\n/m, (line) => `${line}from sqlalchemy.ext.asyncio import AsyncSession\n`);
}

/** Why the proof cannot run here, or undefined. */
export function pythonReady(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import sqlalchemy, aiosqlite, greenlet'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found`;
  return probe.status === 0 ? undefined : `${PYTHON} lacks sqlalchemy/aiosqlite/greenlet: ${probe.stderr.trim().split('\n').at(-1)}`;
}
