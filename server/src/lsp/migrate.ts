// Adapter to the engine's "Migrate this endpoint" (server/src/analysis/migrate-endpoint.ts):
// one combined, reviewable edit of every safe fix inside a route handler.
import type { AsyncMigrateConfig } from '../analysis/config';
import { minimalEdit } from '../analysis/fixes/edits';
import type { TextEdit } from '../analysis/types';
import type { WorkspaceIndex } from '../analysis/workspace';
import { migrateEndpoint } from '../analysis/migrate-endpoint';

export type MigrateTarget = { function: string } | { offset: number };

export interface MigrateOutcome {
  /** The whole new text of the file. */
  text: string;
  /** Edits turning the old text into text (offsets in the old text); empty when nothing changes. */
  edits: TextEdit[];
  /** Descriptions of what was applied. */
  applied: string[];
  /** What the migration could not do automatically (left for the developer). */
  notDone: string[];
  /** Handler name, when known. */
  handler?: string;
}

function loadEngine(): typeof migrateEndpoint | null {
  return typeof migrateEndpoint === 'function' ? migrateEndpoint : null;
}

export function migrateAvailable(): boolean {
  return !!loadEngine();
}

export const MIGRATE_UNAVAILABLE = 'Migrate this endpoint is not available in this build of async-migrate (the endpoint migration engine is missing).';

function describe(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const code = typeof o.code === 'string' ? `${o.code}: ` : '';
    for (const key of ['message', 'title', 'reason', 'description']) if (typeof o[key] === 'string') return code + (o[key] as string);
    const fix = o.fix as Record<string, unknown> | undefined;
    if (fix && typeof fix.title === 'string') return code + fix.title;
  }
  return JSON.stringify(item);
}

/** Runs the engine's migration; normalises its result. Throws when the engine is missing. */
export function migrate(path: string, text: string, index: WorkspaceIndex, config: AsyncMigrateConfig, target: MigrateTarget): MigrateOutcome {
  const fn = loadEngine();
  if (!fn) throw new Error(MIGRATE_UNAVAILABLE);
  const raw = fn(path, text, index, config, target) as unknown as Record<string, unknown> | undefined;
  const newText = typeof raw?.text === 'string' ? raw.text : text;
  let edits: TextEdit[] = [];
  const rawEdit = raw?.edit as TextEdit | TextEdit[] | undefined;
  if (Array.isArray(rawEdit)) edits = rawEdit;
  else if (rawEdit && typeof rawEdit.start === 'number') edits = [rawEdit];
  if (newText !== text && !edits.length) {
    const e = minimalEdit(text, newText);
    if (e) edits = [e];
  }
  if (newText === text) edits = [];
  const list = (v: unknown) => (Array.isArray(v) ? v.map(describe) : []);
  const handler = typeof raw?.handler === 'string' ? raw.handler : typeof raw?.function === 'string' ? raw.function : undefined;
  return { text: newText, edits, applied: list(raw?.applied), notDone: list(raw?.notDone), handler };
}
