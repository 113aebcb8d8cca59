// Formatter details that are hard to reach through real files: the engine's AM000 internal
// error findings, related locations, and escaping in paths.
import * as assert from 'assert';
import { RULES } from '../../../server/src/analysis/rules/registry';
import type { Finding } from '../../../server/src/analysis/types';
import { formatGithub } from '../../../server/src/cli/format/github';
import { toJsonFindings } from '../../../server/src/cli/format/json';
import type { CheckReport } from '../../../server/src/cli/format/report';
import { toSarif } from '../../../server/src/cli/format/sarif';
import { formatText } from '../../../server/src/cli/format/text';

const range = (line: number, character: number, endCharacter: number) => ({ start: { line, character }, end: { line, character: endCharacter } });

const internal: Finding = { path: 'app/x.py', code: 'AM000', rule: 'internal-error', severity: 'info', message: 'internal error in rule AM101: boom (please report it)', start: 0, end: 0, range: range(0, 0, 0) };
const related: Finding = {
  path: 'app/a,b:c.py',
  code: 'AM203',
  rule: 'sync-service-in-async',
  severity: 'warning',
  message: 'uses 100% sync\nservice',
  start: 10,
  end: 14,
  range: range(2, 4, 8),
  related: [{ path: 'app/services/user.py', range: range(5, 0, 3), message: 'the sync service' }],
};

function report(items: Finding[]): CheckReport {
  return { items: items.map((finding, i) => ({ finding, fingerprint: `fp${i}` })), display: (p) => p, filesChecked: 2, skipped: [], warnings: [] };
}

describe('formats', () => {
  it('an engine internal error (AM000) is printed, not dropped, and has a SARIF rule of its own', () => {
    const r = report([internal, related]);
    assert.match(formatText(r, { summary: true, statistics: false }), /^app\/x\.py:1:1: AM000 internal error in rule AM101: boom/m);
    assert.strictEqual(toJsonFindings(r)[0].code, 'AM000');
    const run = (toSarif(r, { rules: RULES, severityOf: () => 'warning' }) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string }[] }[] }).runs[0];
    const ids = run.tool.driver.rules.map((x) => x.id);
    assert.strictEqual(ids.filter((id) => id === 'AM000').length, 1);
    for (const result of run.results) assert.strictEqual(ids[result.ruleIndex], result.ruleId);
    assert.strictEqual(run.results[0].level, 'note');
  });

  it('SARIF related locations and percent-encoded URIs; GitHub escapes the file property and the message', () => {
    const r = report([related]);
    const result = (toSarif(r, { rules: RULES, severityOf: () => 'warning' }) as { runs: { results: Record<string, unknown>[] }[] }).runs[0].results[0] as {
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      relatedLocations: { id: number; message: { text: string }; physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    };
    assert.strictEqual(result.locations[0].physicalLocation.artifactLocation.uri, 'app/a%2Cb%3Ac.py');
    assert.deepStrictEqual(
      result.relatedLocations.map((l) => [l.id, l.message.text, l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine]),
      [[0, 'the sync service', 'app/services/user.py', 6]],
    );
    assert.strictEqual(formatGithub(r), '::warning file=app/a%2Cb%3Ac.py,line=3,col=5,endLine=3,endColumn=9,title=AM203 sync-service-in-async::uses 100%25 sync%0Aservice');
    // Text output keeps one finding per line.
    assert.match(formatText(r, { summary: false, statistics: false }), /^app\/a,b:c\.py:3:5: AM203 uses 100% sync service$/);
  });
});
