// Editor settings (`asyncMigrate.*`) → engine configuration. The server-only keys (enable,
// diagnosticsScope, docsBaseUrl, trace) are validated here; everything else goes through the
// engine's own validation (`withEditorSettings`), layered over the folder's pyproject.toml.
import { type AsyncMigrateConfig, type ConfigProblem, withEditorSettings } from '../analysis/config';

export type DiagnosticsScope = 'openFiles' | 'workspace';

export interface ServerSettings {
  enable: boolean;
  diagnosticsScope: DiagnosticsScope;
  docsBaseUrl: string;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { enable: true, diagnosticsScope: 'openFiles', docsBaseUrl: '' };

/** Keys handled by the server or the client, never passed to the engine. */
const SERVER_KEYS = new Set(['enable', 'diagnosticsScope', 'docsBaseUrl', 'trace']);

export interface ResolvedSettings {
  server: ServerSettings;
  config: AsyncMigrateConfig;
  problems: ConfigProblem[];
}

/**
 * Drops null / undefined values and empty tables: VS Code returns every declared setting,
 * with null (or {}) meaning "not set"; those must not override pyproject.toml.
 */
export function pruneUnset(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const pruned = pruneUnset(v);
    if (pruned === undefined) continue;
    if (typeof pruned === 'object' && !Array.isArray(pruned) && Object.keys(pruned as object).length === 0) continue;
    out[k] = pruned;
  }
  return out;
}

export function resolveSettings(base: AsyncMigrateConfig, raw: unknown): ResolvedSettings {
  const problems: ConfigProblem[] = [];
  const server: ServerSettings = { ...DEFAULT_SERVER_SETTINGS };
  const problem = (key: string, message: string) => problems.push({ source: 'settings', key: `asyncMigrate.${key}`, message });
  let engineRaw: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ source: 'settings', key: 'asyncMigrate', message: 'expected an object' });
    } else {
      const pruned = (pruneUnset(raw) ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(pruned)) {
        if (!SERVER_KEYS.has(key)) {
          engineRaw[key] = value;
          continue;
        }
        if (key === 'enable') {
          if (typeof value === 'boolean') server.enable = value;
          else problem(key, `expected true or false, got ${JSON.stringify(value)}`);
        } else if (key === 'diagnosticsScope') {
          if (value === 'openFiles' || value === 'workspace') server.diagnosticsScope = value;
          else problem(key, `expected "openFiles" or "workspace", got ${JSON.stringify(value)}`);
        } else if (key === 'docsBaseUrl') {
          if (typeof value === 'string') server.docsBaseUrl = value.trim();
          else problem(key, `expected a URL string, got ${JSON.stringify(value)}`);
        }
        // trace: read by the client library.
      }
    }
  }
  if (Object.keys(engineRaw).length === 0) engineRaw = {};
  const merged = withEditorSettings(base, engineRaw);
  problems.push(...merged.problems);
  return { server, config: merged.config, problems };
}

/** True when two configs differ in what decides which files exist and how they are named. */
export function layoutChanged(a: AsyncMigrateConfig, b: AsyncMigrateConfig): boolean {
  return JSON.stringify([a.src, a.exclude, a.extendExclude]) !== JSON.stringify([b.src, b.exclude, b.extendExclude]);
}
