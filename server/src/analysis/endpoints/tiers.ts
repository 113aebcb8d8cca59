// Tiers per the strategy document ("Criterios de priorización"): tier 1 = high-traffic paths
// with few dependencies, tier 3 = low-frequency or complex (admin, configuration, billing,
// webhooks, workers, many external SDKs, Stripe or Auth0 management), tier 2 = the rest.
// Every decision carries a human reason; configuration overrides win.
import type { TierOverride } from '../config';
import { matchesGlob } from '../glob';
import type { EndpointDependencies, Tier } from './types';

interface KeywordGroup {
  label: string;
  /** Token sequences (lower case), e.g. ["activity", "feed"]. */
  phrases: string[][];
}

const p = (...phrases: string[]): string[][] => phrases.map((s) => s.split(' '));

/** Seed tier 1: checkins, auth, users, dashboard, schedule sessions/participation, events, activity feed, context, gyms. */
export const TIER1_GROUPS: KeywordGroup[] = [
  { label: 'check-in path', phrases: p('checkin', 'checkins', 'check in', 'attendance') },
  { label: 'auth path', phrases: p('token', 'tokens', 'login', 'refresh') },
  { label: 'user profile path', phrases: p('users', 'me', 'profile', 'user info') },
  { label: 'dashboard path', phrases: p('dashboard', 'user dashboard') },
  { label: 'schedule path', phrases: p('sessions', 'participation') },
  { label: 'events path', phrases: p('events', 'event') },
  { label: 'activity feed path', phrases: p('activity feed') },
  { label: 'context path', phrases: p('context') },
  { label: 'gyms path', phrases: p('gyms') },
];

/** Seed tier 3: admin, configuration, billing (memberships, Stripe, payments), webhooks, worker, diagnostics. */
export const TIER3_GROUPS: KeywordGroup[] = [
  { label: 'admin path', phrases: p('admin', 'trainer registration') },
  { label: 'diagnostics path', phrases: p('diagnostics', 'diagnostic') },
  { label: 'configuration path', phrases: p('config', 'configuration', 'settings') },
  { label: 'billing path', phrases: p('billing', 'payment', 'payments', 'payment pages', 'invoice', 'invoices', 'subscription', 'subscriptions', 'checkout', 'membership', 'memberships', 'stripe', 'stripe connect') },
  { label: 'webhook path', phrases: p('webhook', 'webhooks') },
  { label: 'worker path', phrases: p('worker', 'workers') },
];

/** SDKs that alone put an endpoint in tier 3 (the seed: "Stripe sync puede bloquear event loop", Auth0 management audit). */
const TIER3_SDK = /^(stripe|auth0 management)$/i;

function tokens(text: string): string[][] {
  return text
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .map((s) => s.replace(/\.pyi?$/, '').toLowerCase().split(/[-_.\s]+/).filter(Boolean));
}

function hasPhrase(flat: string[], phrase: string[]): boolean {
  for (let i = 0; i + phrase.length <= flat.length; i++) {
    if (phrase.every((t, j) => flat[i + j] === t)) return true;
  }
  return false;
}

/** The part of a handler's file path that names its resource (after `endpoints/`, `routers/`, `api/vN/`). */
export function resourcePath(filePath: string): string {
  const parts = filePath.split('/');
  let cut = -1;
  parts.forEach((part, i) => {
    if (i < parts.length - 1 && /^(endpoints|routers|routes|api|views|v\d+)$/.test(part)) cut = i;
  });
  return parts.slice(cut + 1).join('/');
}

export function matchGroups(groups: KeywordGroup[], route: string, filePath: string): { label: string; word: string } | undefined {
  const sources = [tokens(route).flat(), tokens(resourcePath(filePath)).flat()];
  for (const group of groups) {
    for (const phrase of group.phrases) {
      if (sources.some((s) => hasPhrase(s, phrase))) return { label: group.label, word: phrase.join(' ') };
    }
  }
  return undefined;
}

function compileRoutePattern(pattern: string): RegExp {
  const segments = pattern.replace(/^\/+/, '').split('/');
  let re = '^';
  for (const seg of segments) {
    if (seg === '**') {
      re += '(?:/.*)?';
      continue;
    }
    let part = '';
    for (let i = 0; i < seg.length; i++) {
      const c = seg[i];
      if (c === '*') part += '[^/]*';
      else if (c === '{') {
        const close = seg.indexOf('}', i);
        if (close > i) {
          part += '\\{[^/}]*\\}';
          i = close;
        } else part += '\\{';
      } else part += c.replace(/[.+^$()|[\]\\?]/g, '\\$&');
    }
    re += '/' + part;
  }
  return new RegExp(re + '$');
}

/** Does an override's `match` apply: `GET /api/v1/users/*`, `/api/v1/admin/**`, or a file glob. */
export function overrideMatches(match: string, endpoint: { method: string; route: string; path: string }): boolean {
  const withMethod = /^([A-Za-z]+|\*)\s+(\/.*)$/.exec(match.trim());
  if (withMethod) {
    const method = withMethod[1].toUpperCase();
    return (method === '*' || method === endpoint.method) && compileRoutePattern(withMethod[2]).test(endpoint.route);
  }
  if (match.trim().startsWith('/')) return compileRoutePattern(match.trim()).test(endpoint.route);
  return matchesGlob(endpoint.path, match.trim());
}

export interface TierInput {
  method: string;
  route: string;
  path: string;
  dependencies: EndpointDependencies;
}

export interface TierDecision {
  tier: Tier;
  reason: string;
  configured: boolean;
}

function sdkPhrase(deps: EndpointDependencies, names: Set<string>): string {
  const parts: string[] = [];
  for (const name of names) {
    const uses = deps.externalSdks.filter((s) => s.name === name);
    const direct = uses.some((u) => u.direct);
    const via = [...new Set(uses.filter((u) => !u.direct).map((u) => u.viaModule))];
    const how = [direct ? 'directly' : '', via.length ? `via ${via.join(', ')}` : ''].filter(Boolean).join(' and ');
    parts.push(`calls ${name.toLowerCase()} ${how}`);
  }
  return parts.join('; ');
}

export function decideTier(input: TierInput, overrides: TierOverride[]): TierDecision {
  for (const o of overrides) {
    if (overrideMatches(o.match, input)) {
      return { tier: o.tier, reason: `tier ${o.tier}: configured: ${o.reason ?? `matches "${o.match}"`}`, configured: true };
    }
  }
  const sdkNames = new Set(input.dependencies.externalSdks.map((s) => s.name));
  const sdkCount = sdkNames.size;
  const sdkText = sdkCount === 0 ? 'no external SDK' : `${sdkCount} external SDK${sdkCount > 1 ? 's' : ''} (${[...sdkNames].join(', ')})`;
  const t3 = matchGroups(TIER3_GROUPS, input.route, input.path);
  const heavySdks = new Set([...sdkNames].filter((n) => TIER3_SDK.test(n)));
  if (t3) {
    const extra = heavySdks.size ? `; ${sdkPhrase(input.dependencies, heavySdks)}` : sdkCount ? `; ${sdkText}` : '';
    return { tier: 3, reason: `tier 3: ${t3.label} (${t3.word})${extra}`, configured: false };
  }
  if (heavySdks.size) return { tier: 3, reason: `tier 3: ${sdkPhrase(input.dependencies, heavySdks)}`, configured: false };
  if (sdkCount >= 2) return { tier: 3, reason: `tier 3: reaches ${sdkText}: ${sdkPhrase(input.dependencies, sdkNames)}`, configured: false };
  const t1 = matchGroups(TIER1_GROUPS, input.route, input.path);
  const access = /^(GET|HEAD|OPTIONS)$/.test(input.method) ? `${input.method} (read)` : input.method;
  if (t1) return { tier: 1, reason: `tier 1: ${t1.label}, ${access}, ${sdkText}`, configured: false };
  return { tier: 2, reason: `tier 2: not a high-traffic or back-office path, ${access}, ${sdkText}`, configured: false };
}
