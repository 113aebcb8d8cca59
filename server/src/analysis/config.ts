// [tool.async-migrate] configuration: defaults, validation with errors that name the key,
// and merging (pyproject first, then editor settings). Never throws on bad input.
import { parse as parseToml } from 'smol-toml';
import type { Severity } from './types';
import { SEVERITIES } from './types';

export interface TierOverride {
  /** A route ("GET /api/v1/users/me", "/api/v1/admin/*") or a file glob ("app/api/v1/endpoints/admin*.py"). */
  match: string;
  tier: 1 | 2 | 3;
  reason?: string;
}

export interface AsyncMigrateConfig {
  /** Explicit import roots: module names are computed relative to them first (see import-roots.ts). */
  src: string[];
  /**
   * Import roots discovered in the workspace (`__init__.py` chains, project markers, src layouts);
   * not a setting: filled in by whoever lists the files (project loading, the language server).
   */
  importRoots?: string[];
  /**
   * Sub-projects with their own `[tool.async-migrate]` table (a `backend/pyproject.toml`): files
   * under `dir` use that configuration instead of this one — the nearest wins, like ruff's
   * hierarchical configuration. Not a setting: filled in by whoever lists the files.
   */
  scopes?: ScopedConfig[];
  /** Globs (workspace-relative) of files never analysed (replaces the defaults). */
  exclude: string[];
  /** Globs added to `exclude` (keeps the defaults, like ruff's extend-exclude). */
  extendExclude: string[];
  /** When set, only these codes (or prefixes like "AM1") run. */
  select: string[] | undefined;
  ignore: string[];
  /** Per-code severity override, or "off". */
  severity: Record<string, Severity | 'off'>;
  session: {
    syncTypes: string[];
    asyncTypes: string[];
    syncDependencies: string[];
    /** The dependency the AM103 fix switches to. */
    asyncDependency: string;
    /** Module that defines asyncDependency, for the import the fix adds. */
    asyncDependencyModule: string;
    asyncDependencies: string[];
    syncFactories: string[];
    asyncFactories: string[];
  };
  redis: {
    /** Variable / attribute names that hold an async Redis client. */
    asyncNames: string[];
    syncNames: string[];
    /** Annotations meaning an async client (last dotted part is enough). */
    asyncAnnotations: string[];
    asyncDependencies: string[];
    syncDependencies: string[];
  };
  /** Extra blocking calls (dotted names, e.g. "mylib.client.fetch") for AM601. */
  blockingCalls: string[];
  twins: {
    /** Async module name patterns, {name} = the sync module's last part. */
    modulePatterns: string[];
    /** Async instance/function name patterns. */
    namePatterns: string[];
    /** Async method name patterns in the same class (`get_user` ↔ `get_user_async`, `aget_user`). */
    methodPatterns: string[];
  };
  /** External SDK module prefixes → display name (inventory and tiers). */
  externalSdks: Record<string, string>;
  tiers: { overrides: TierOverride[] };
  testCommand: string;
  verifyTestCommand: string;
  branchTemplate: string;
}

/** A sub-project's configuration: `dir` is workspace-relative POSIX, its globs are relative to it. */
export interface ScopedConfig {
  dir: string;
  config: AsyncMigrateConfig;
}

/** The configuration that applies to a workspace-relative file: its nearest sub-project's, else config. */
export function configForPath(config: AsyncMigrateConfig, relPath: string): AsyncMigrateConfig {
  return scopeOf(config, relPath)?.config ?? config;
}

/** The deepest sub-project holding relPath, if any. */
export function scopeOf(config: AsyncMigrateConfig, relPath: string): ScopedConfig | undefined {
  let best: ScopedConfig | undefined;
  for (const scope of config.scopes ?? []) {
    if (relPath.startsWith(scope.dir + '/') && (!best || scope.dir.length > best.dir.length)) best = scope;
  }
  return best;
}

export const DEFAULT_CONFIG: AsyncMigrateConfig = {
  src: ['.'],
  exclude: ['**/node_modules/**', '**/.venv/**', '**/venv/**', '**/.git/**', '**/__pycache__/**', '**/site-packages/**', '**/migrations/versions/**'],
  extendExclude: [],
  select: undefined,
  ignore: [],
  severity: {},
  session: {
    syncTypes: ['Session', 'sqlalchemy.orm.Session'],
    asyncTypes: ['AsyncSession', 'sqlalchemy.ext.asyncio.AsyncSession'],
    syncDependencies: ['get_db', 'get_session', 'get_db_session'],
    asyncDependency: 'get_async_db',
    asyncDependencyModule: '',
    asyncDependencies: ['get_async_db', 'get_async_session', 'get_db_async'],
    syncFactories: ['SessionLocal', 'Session', 'sessionmaker'],
    asyncFactories: ['AsyncSessionLocal', 'async_session', 'async_session_maker', 'AsyncSession', 'async_session_factory'],
  },
  redis: {
    asyncNames: ['async_redis', 'async_redis_client', 'aredis'],
    syncNames: [],
    asyncAnnotations: ['redis.asyncio.Redis', 'redis.asyncio.client.Redis', 'aioredis.Redis', 'AsyncRedis'],
    asyncDependencies: ['get_async_redis', 'get_redis_async'],
    syncDependencies: ['get_redis', 'get_redis_client'],
  },
  blockingCalls: [],
  twins: {
    modulePatterns: ['async_{name}', '{name}_async'],
    namePatterns: ['async_{name}', '{name}_async', 'Async{Name}'],
    methodPatterns: ['{name}_async', 'a{name}', 'async_{name}'],
  },
  externalSdks: {
    stripe: 'Stripe',
    auth0: 'Auth0',
    openai: 'OpenAI',
    stream_chat: 'Stream Chat',
    onesignal: 'OneSignal',
    onesignal_sdk: 'OneSignal',
    boto3: 'boto3',
    botocore: 'boto3',
    requests: 'requests',
    httpx: 'httpx',
    firebase_admin: 'Firebase',
    twilio: 'Twilio',
    sendgrid: 'SendGrid',
  },
  tiers: { overrides: [] },
  testCommand: 'pytest tests/api/test_{endpoint}.py -v',
  verifyTestCommand: 'pytest tests/ -v --tb=short',
  branchTemplate: 'async/endpoint-{name}-{date}',
};

export interface ConfigProblem {
  /** Where: "pyproject.toml" or "settings". */
  source: string;
  /** Dotted key, e.g. "tool.async-migrate.session.async-dependency". */
  key: string;
  message: string;
  line?: number;
}

export interface LoadedConfig {
  config: AsyncMigrateConfig;
  problems: ConfigProblem[];
  /** The file has a `[tool.async-migrate]` table (a sub-project's pyproject.toml without one does not scope anything). */
  hasTable?: boolean;
}

type Kind = 'string' | 'string[]' | 'severityMap' | 'stringMap' | 'tierOverrides' | { section: Record<string, Field> };
interface Field {
  kind: Kind;
  /** camelCase property in AsyncMigrateConfig */
  prop: string;
}

function f(prop: string, kind: Kind): Field {
  return { prop, kind };
}

// Keys are kebab-case in TOML (ruff's convention) and camelCase in editor settings; both accepted.
const SCHEMA: Record<string, Field> = {
  src: f('src', 'string[]'),
  exclude: f('exclude', 'string[]'),
  'extend-exclude': f('extendExclude', 'string[]'),
  select: f('select', 'string[]'),
  ignore: f('ignore', 'string[]'),
  severity: f('severity', 'severityMap'),
  session: f('session', {
    section: {
      'sync-types': f('syncTypes', 'string[]'),
      'async-types': f('asyncTypes', 'string[]'),
      'sync-dependencies': f('syncDependencies', 'string[]'),
      'async-dependency': f('asyncDependency', 'string'),
      'async-dependency-module': f('asyncDependencyModule', 'string'),
      'async-dependencies': f('asyncDependencies', 'string[]'),
      'sync-factories': f('syncFactories', 'string[]'),
      'async-factories': f('asyncFactories', 'string[]'),
    },
  }),
  redis: f('redis', {
    section: {
      'async-names': f('asyncNames', 'string[]'),
      'sync-names': f('syncNames', 'string[]'),
      'async-annotations': f('asyncAnnotations', 'string[]'),
      'async-dependencies': f('asyncDependencies', 'string[]'),
      'sync-dependencies': f('syncDependencies', 'string[]'),
    },
  }),
  'blocking-calls': f('blockingCalls', 'string[]'),
  twins: f('twins', {
    section: {
      'module-patterns': f('modulePatterns', 'string[]'),
      'name-patterns': f('namePatterns', 'string[]'),
      'method-patterns': f('methodPatterns', 'string[]'),
    },
  }),
  'external-sdks': f('externalSdks', 'stringMap'),
  tiers: f('tiers', { section: { overrides: f('overrides', 'tierOverrides') } }),
  'test-command': f('testCommand', 'string'),
  'verify-test-command': f('verifyTestCommand', 'string'),
  'branch-template': f('branchTemplate', 'string'),
};

const CODE_PATTERN = /^AM\d{1,3}$/;

function kebab(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function findField(schema: Record<string, Field>, key: string): [string, Field] | undefined {
  if (schema[key]) return [key, schema[key]];
  const asKebab = kebab(key);
  if (schema[asKebab]) return [asKebab, schema[asKebab]];
  return undefined;
}

function cloneDefaults(): AsyncMigrateConfig {
  return JSON.parse(JSON.stringify(DEFAULT_CONFIG)) as AsyncMigrateConfig;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a table' : `a ${typeof value}`;
}

/**
 * Applies a raw table (from TOML or editor settings) onto target, collecting a problem for
 * every unknown key and bad value; bad values leave the previous value in place.
 */
export function applyRawConfig(
  target: AsyncMigrateConfig,
  raw: unknown,
  source: string,
  keyPrefix: string,
  problems: ConfigProblem[],
): void {
  applySection(target as unknown as Record<string, unknown>, SCHEMA, raw, source, keyPrefix, problems);
}

function applySection(
  target: Record<string, unknown>,
  schema: Record<string, Field>,
  raw: unknown,
  source: string,
  prefix: string,
  problems: ConfigProblem[],
): void {
  if (raw === undefined || raw === null) return;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ source, key: prefix, message: `expected a table, got ${typeName(raw)}` });
    return;
  }
  for (const [rawKey, value] of Object.entries(raw as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${rawKey}` : rawKey;
    const found = findField(schema, rawKey);
    if (!found) {
      const known = Object.keys(schema).join(', ');
      problems.push({ source, key, message: `unknown key "${rawKey}" (known keys: ${known})` });
      continue;
    }
    const [, field] = found;
    const problem = (message: string) => problems.push({ source, key, message });
    const kind = field.kind;
    if (typeof kind === 'object') {
      applySection(target[field.prop] as Record<string, unknown>, kind.section, value, source, key, problems);
    } else if (kind === 'string') {
      if (typeof value === 'string' && value.trim() !== '') target[field.prop] = value;
      else problem(`expected a non-empty string, got ${typeName(value)}`);
    } else if (kind === 'string[]') {
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        if (field.prop === 'select' || field.prop === 'ignore') {
          const bad = (value as string[]).filter((v) => !/^(AM\d{0,3}|ALL)$/i.test(v));
          if (bad.length) {
            problem(`not rule codes: ${bad.join(', ')} (use codes like "AM101" or prefixes like "AM1")`);
            continue;
          }
          target[field.prop] = (value as string[]).map((v) => v.toUpperCase());
        } else target[field.prop] = value;
      } else problem(`expected an array of strings, got ${typeName(value)}`);
    } else if (kind === 'severityMap') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problem(`expected a table of rule code = severity, got ${typeName(value)}`);
        continue;
      }
      const map = target[field.prop] as Record<string, string>;
      for (const [code, severity] of Object.entries(value as Record<string, unknown>)) {
        if (!CODE_PATTERN.test(code)) problems.push({ source, key: `${key}.${code}`, message: `"${code}" is not a rule code like "AM101"` });
        else if (typeof severity !== 'string' || !([...SEVERITIES, 'off'] as string[]).includes(severity))
          problems.push({ source, key: `${key}.${code}`, message: `severity must be one of ${[...SEVERITIES, 'off'].join(', ')}, got ${JSON.stringify(severity)}` });
        else map[code.toUpperCase()] = severity;
      }
    } else if (kind === 'stringMap') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problem(`expected a table of strings, got ${typeName(value)}`);
        continue;
      }
      const map = target[field.prop] as Record<string, string>;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v === 'string') map[k] = v;
        else problems.push({ source, key: `${key}.${k}`, message: `expected a string, got ${typeName(v)}` });
      }
    } else if (kind === 'tierOverrides') {
      if (!Array.isArray(value)) {
        problem(`expected an array of { match = "...", tier = 1|2|3 }, got ${typeName(value)}`);
        continue;
      }
      const list: TierOverride[] = [];
      value.forEach((item, i) => {
        const at = `${key}[${i}]`;
        if (typeof item !== 'object' || item === null) return problems.push({ source, key: at, message: 'expected a table { match, tier }' });
        const { match, tier, reason, ...rest } = item as Record<string, unknown>;
        for (const extra of Object.keys(rest)) problems.push({ source, key: `${at}.${extra}`, message: `unknown key "${extra}" (known keys: match, tier, reason)` });
        if (typeof match !== 'string' || !match) return problems.push({ source, key: `${at}.match`, message: 'expected a route or file glob string' });
        if (tier !== 1 && tier !== 2 && tier !== 3) return problems.push({ source, key: `${at}.tier`, message: `tier must be 1, 2 or 3, got ${JSON.stringify(tier)}` });
        if (reason !== undefined && typeof reason !== 'string') return problems.push({ source, key: `${at}.reason`, message: 'expected a string' });
        list.push({ match, tier, reason: reason as string | undefined });
      });
      target[field.prop] = list;
    }
  }
}

/** Parses pyproject.toml text; a TOML syntax error is one problem with its line. */
export function loadPyprojectConfig(text: string | undefined, fileLabel = 'pyproject.toml'): LoadedConfig {
  const config = cloneDefaults();
  const problems: ConfigProblem[] = [];
  if (text === undefined) return { config, problems };
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const e = error as { message?: string; line?: number };
    problems.push({ source: fileLabel, key: '', message: `invalid TOML: ${(e.message ?? String(error)).split('\n')[0]}`, line: e.line });
    return { config, problems };
  }
  const tool = parsed.tool as Record<string, unknown> | undefined;
  const section = tool?.['async-migrate'];
  if (section !== undefined) applyRawConfig(config, section, fileLabel, 'tool.async-migrate', problems);
  return { config, problems, hasTable: section !== undefined };
}

/** Editor settings (camelCase) layered over an already loaded config. */
export function withEditorSettings(base: AsyncMigrateConfig, settings: unknown): LoadedConfig {
  const config = JSON.parse(JSON.stringify(base)) as AsyncMigrateConfig;
  const problems: ConfigProblem[] = [];
  applyRawConfig(config, settings, 'settings', 'asyncMigrate', problems);
  return { config, problems };
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.source}${p.line ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`;
}

/** True if a code is enabled by select/ignore (prefix matching, like ruff). */
export function codeSelected(config: AsyncMigrateConfig, code: string, explicitSelect?: string[], explicitIgnore?: string[]): boolean {
  const matches = (list: string[]) => list.some((p) => p === 'ALL' || code.startsWith(p));
  const select = explicitSelect ?? config.select;
  if (select && !matches(select)) return false;
  if (matches([...config.ignore, ...(explicitIgnore ?? [])])) return false;
  return config.severity[code] !== 'off';
}
