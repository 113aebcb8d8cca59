import * as assert from 'assert';
import { decideTier, overrideMatches } from '../../../server/src/analysis/endpoints/tiers';
import type { EndpointDependencies, SdkUsage } from '../../../server/src/analysis/endpoints/types';
import { py } from '../helpers';
import { byId, inventoryOf } from './helpers';

function deps(sdks: Partial<SdkUsage>[] = []): EndpointDependencies {
  return {
    services: [],
    externalSdks: sdks.map((s) => ({ name: 'Stripe', call: 'stripe.X', viaModule: 'app.x', direct: false, path: 'app/x.py', line: 1, ...s })),
    db: { legacyQueries: 0, modernQueries: 0, sessions: [] },
    redis: { calls: 0, flavors: [] },
  };
}

const tier = (method: string, route: string, path: string, sdks: Partial<SdkUsage>[] = [], overrides = []) => decideTier({ method, route, path, dependencies: deps(sdks) }, overrides);

describe('tiers (seed criteria)', () => {
  it('tier 1: the seed high-traffic paths, with a reason that explains itself', () => {
    assert.deepStrictEqual(tier('POST', '/api/v1/attendance/checkin', 'app/api/v1/endpoints/attendance.py'), {
      tier: 1,
      reason: 'tier 1: check-in path, POST, no external SDK',
      configured: false,
    });
    const cases: [string, string, string][] = [
      ['POST', '/api/v1/auth/token', 'app/api/v1/endpoints/auth/tokens.py'],
      ['POST', '/api/v1/auth/refresh', 'app/api/v1/endpoints/auth/tokens.py'],
      ['GET', '/api/v1/users/me', 'app/api/v1/endpoints/users.py'],
      ['GET', '/api/v1/dashboard/summary', 'app/api/v1/endpoints/user_dashboard.py'],
      ['GET', '/api/v1/schedule/sessions/today', 'app/api/v1/endpoints/schedule/sessions.py'],
      ['POST', '/api/v1/schedule/participation', 'app/api/v1/endpoints/schedule/participation.py'],
      ['GET', '/api/v1/events/{id}', 'app/api/v1/endpoints/events.py'],
      ['GET', '/api/v1/activity-feed/realtime', 'app/api/v1/endpoints/activity_feed.py'],
      ['GET', '/api/v1/context/gym', 'app/api/v1/endpoints/context.py'],
      ['GET', '/api/v1/gyms/{id}/stats', 'app/api/v1/endpoints/gyms.py'],
    ];
    for (const [m, r, p] of cases) assert.strictEqual(tier(m, r, p).tier, 1, `${m} ${r}`);
    assert.strictEqual(tier('GET', '/api/v1/users/me', 'app/api/v1/endpoints/users.py').reason, 'tier 1: user profile path, GET (read), no external SDK');
  });

  it('tier 2: the rest, including the seed tier 2 schedule modules and one SDK', () => {
    for (const [m, r, p] of [
      ['GET', '/api/v1/posts', 'app/api/v1/endpoints/posts.py'],
      ['GET', '/api/v1/schedule/classes', 'app/api/v1/endpoints/schedule/classes.py'],
      ['GET', '/api/v1/schedule/gym-hours', 'app/api/v1/endpoints/schedule/gym_hours.py'],
      ['GET', '/api/v1/modules', 'app/api/v1/endpoints/modules.py'],
      ['POST', '/api/v1/trainer-member', 'app/api/v1/endpoints/trainer_member.py'],
    ]) assert.strictEqual(tier(m, r, p).tier, 2, `${m} ${r}`);
    const nutrition = tier('POST', '/api/v1/nutrition/analyze', 'app/api/v1/endpoints/nutrition.py', [{ name: 'OpenAI', viaModule: 'app.services.async_nutrition_ai' }]);
    assert.deepStrictEqual(nutrition, { tier: 2, reason: 'tier 2: not a high-traffic or back-office path, POST, 1 external SDK (OpenAI)', configured: false });
  });

  it('tier 3: back-office paths, Stripe / Auth0 management, or two SDKs — even on a tier 1 path', () => {
    assert.strictEqual(tier('GET', '/api/v1/admin/users', 'app/api/v1/endpoints/auth/admin.py').reason, 'tier 3: admin path (admin)');
    assert.strictEqual(tier('POST', '/api/v1/webhooks/stream', 'app/api/v1/endpoints/webhooks/stream_webhooks.py').tier, 3);
    assert.strictEqual(tier('POST', '/api/v1/auth/trainer-registration', 'app/api/v1/endpoints/auth/trainer_registration.py').tier, 3);
    assert.strictEqual(tier('GET', '/api/v1/settings', 'app/api/v1/endpoints/settings.py').reason, 'tier 3: configuration path (settings)');
    assert.strictEqual(tier('GET', '/api/v1/diagnostics', 'app/api/v1/endpoints/admin_diagnostics.py').tier, 3);
    assert.strictEqual(tier('POST', '/jobs/run', 'app/api/v1/endpoints/worker.py').tier, 3);
    assert.deepStrictEqual(tier('POST', '/api/v1/attendance/checkin', 'app/api/v1/endpoints/attendance.py', [{ name: 'Stripe', viaModule: 'app.services.stripe_service' }]), {
      tier: 3,
      reason: 'tier 3: calls stripe via app.services.stripe_service',
      configured: false,
    });
    assert.strictEqual(tier('GET', '/api/v1/users/me', 'app/users.py', [{ name: 'Auth0 Management', direct: true }]).reason, 'tier 3: calls auth0 management directly');
    const two = tier('GET', '/api/v1/events', 'app/api/v1/endpoints/events.py', [{ name: 'OpenAI' }, { name: 'Stream Chat' }]);
    assert.strictEqual(two.tier, 3);
    assert.match(two.reason, /^tier 3: reaches 2 external SDKs \(OpenAI, Stream Chat\)/);
    assert.strictEqual(tier('POST', '/api/v1/memberships', 'app/api/v1/endpoints/memberships.py', [{ name: 'Stripe', direct: true }]).reason, 'tier 3: billing path (memberships); calls stripe directly');
  });

  it('one SDK on a tier 1 path keeps tier 1 and says so (Auth0 login)', () => {
    assert.deepStrictEqual(tier('POST', '/api/v1/auth/token', 'app/api/v1/endpoints/auth/tokens.py', [{ name: 'Auth0', viaModule: 'app.services.auth0_service' }]), {
      tier: 1,
      reason: 'tier 1: auth path, POST, 1 external SDK (Auth0)',
      configured: false,
    });
  });

  it('override patterns: method + route glob, route ** , {param}, file glob', () => {
    const ep = { method: 'GET', route: '/api/v1/users/{user_id}', path: 'app/api/v1/endpoints/users.py' };
    assert.ok(overrideMatches('GET /api/v1/users/*', ep));
    assert.ok(!overrideMatches('POST /api/v1/users/*', ep));
    assert.ok(overrideMatches('* /api/v1/users/*', ep));
    assert.ok(overrideMatches('/api/v1/users/{id}', ep), 'a {param} segment matches any parameter');
    assert.ok(!overrideMatches('/api/v1/users/me', ep));
    assert.ok(overrideMatches('/api/**', ep));
    assert.ok(overrideMatches('/api/v1/users/**', { ...ep, route: '/api/v1/users' }), '/** also matches the prefix itself');
    assert.ok(!overrideMatches('/api/v1/users/*', { ...ep, route: '/api/v1/users/1/roles' }), '* is one segment');
    assert.ok(overrideMatches('app/api/v1/endpoints/users.py', ep));
    assert.ok(overrideMatches('app/api/**/users.py', ep));
    assert.ok(!overrideMatches('app/api/v1/endpoints/admin*.py', ep));
  });

  it('configured overrides win (first match) and the reason says "configured"', async () => {
    const overrides = [
      { match: 'GET /api/v1/users/*', tier: 2 as const, reason: 'cached at the edge' },
      { match: '/api/v1/users/**', tier: 3 as const },
    ];
    const d = deps();
    assert.deepStrictEqual(decideTier({ method: 'GET', route: '/api/v1/users/me', path: 'a.py', dependencies: d }, overrides), {
      tier: 2,
      reason: 'tier 2: configured: cached at the edge',
      configured: true,
    });
    assert.deepStrictEqual(decideTier({ method: 'PATCH', route: '/api/v1/users/me', path: 'a.py', dependencies: d }, overrides), {
      tier: 3,
      reason: 'tier 3: configured: matches "/api/v1/users/**"',
      configured: true,
    });
    // Through the inventory and the pyproject-style config.
    const inv = await inventoryOf(
      {
        'app/main.py': py`
          from fastapi import FastAPI
          app = FastAPI()

          @app.get("/api/v1/admin/stats")
          def stats():
              return {}

          @app.get("/api/v1/admin/health")
          def health():
              return {}
        `,
      },
      { config: { tiers: { overrides: [{ match: 'GET /api/v1/admin/health', tier: 1, reason: 'load balancer probe' }] } } },
    );
    assert.strictEqual(byId(inv, 'GET /api/v1/admin/health').tierReason, 'tier 1: configured: load balancer probe');
    assert.strictEqual(byId(inv, 'GET /api/v1/admin/stats').tier, 3);
  });
});
