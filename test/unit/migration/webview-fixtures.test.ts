// The checklist and dashboard webviews' tests replay models recorded from the language server
// (test/webview/fixtures/checklist-models.json, dashboard-model.json). Recorded again here: when the server's model
// changes, the fixture must follow (npx tsx test/webview/record-fixtures.ts), or the webview
// would be tested against messages the server no longer sends.
import * as assert from 'assert';
import * as fs from 'fs';
import { DASHBOARD_FIXTURE_FILE, recordDashboardModel } from '../../webview/record-dashboard-fixture';
import { FIXTURES_FILE, recordChecklistModels } from '../../webview/record-fixtures';

/** Dates and times depend on the day of the run (ticks are stamped now; branch names carry the date). */
function withoutDates(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>').replace(/\d{4}-\d{2}-\d{2}/g, '<date>'));
}

describe('webview fixtures', function () {
  this.timeout(120_000);

  it('the recorded checklist models are what the language server sends today', async () => {
    const committed = JSON.parse(fs.readFileSync(FIXTURES_FILE, 'utf8')) as Record<string, { steps?: unknown[] }>;
    const today = (await recordChecklistModels()) as Record<string, { steps?: unknown[] }>;
    assert.deepStrictEqual(Object.keys(today).sort(), ['activityFeed', 'fresh', 'worked']);
    for (const key of Object.keys(today)) assert.strictEqual(today[key].steps?.length, 6, `${key}: a full six-step model was recorded`);
    assert.deepStrictEqual(withoutDates(committed), withoutDates(today), 'test/webview/fixtures/checklist-models.json is stale: run npx tsx test/webview/record-fixtures.ts');
  });

  it('the recorded dashboard model is what the language server sends today', async () => {
    const committed = JSON.parse(fs.readFileSync(DASHBOARD_FIXTURE_FILE, 'utf8')) as { history?: { samples: unknown[] } };
    const today = (await recordDashboardModel()) as { history?: { samples: unknown[] } };
    assert.strictEqual(today.history?.samples.length, 11, 'the whole scripted history was recorded');
    assert.deepStrictEqual(committed, today, 'test/webview/fixtures/dashboard-model.json is stale: run npx tsx test/webview/record-dashboard-fixture.ts');
  });
});
