import * as assert from 'assert';
import { ProgressParseError, parseProgress, recoverConflictedState, renderProgress } from '../../../server/src/analysis/progress/document';
import { emptyState, reconcileOrphans, type ProgressState } from '../../../server/src/analysis/progress/state';

function stateWith(entries: ProgressState['endpoints']): ProgressState {
  return { ...emptyState(), endpoints: entries };
}

function parseError(text: string): ProgressParseError {
  try {
    parseProgress(text, 'docs/async-migration/progress.md');
  } catch (error) {
    if (error instanceof ProgressParseError) return error;
    throw error;
  }
  throw new Error('expected a parse error');
}

const TEAM_TOP = '# Progreso migración async\n\nNotas del equipo:  espacios   raros, tabs\there\n\n';
const TEAM_BOTTOM = '\n## Decisiones\n\n- Ana migra users.py\n- no tocar webhooks   \n';

describe('progress.md document', () => {
  it('round trip: a new file parses back to the same state', () => {
    const state = stateWith({ 'GET /api/v1/users/me': { owner: 'ana', checklist: { 'prep.branch': { done: true, by: 'ana', at: '2025-12-09T10:00:00Z' } } } });
    const text = renderProgress(undefined, state, '| a | b |\n|---|---|');
    const doc = parseProgress(text);
    assert.deepStrictEqual(doc.state, state);
    assert.ok(doc.tables && doc.stateRegion);
    assert.ok(text.includes('<!-- async-migrate:state v1 -->\n') && text.includes('```json\n'));
  });

  it('keeps everything outside the tool regions byte for byte', () => {
    const initial = renderProgress(undefined, emptyState(), 'old tables');
    const doc0 = parseProgress(initial);
    const handEdited = TEAM_TOP + initial.slice(doc0.tables!.start, doc0.tables!.end) + '\n\nentre   regiones\n\n' + initial.slice(doc0.stateRegion!.start, doc0.stateRegion!.end) + TEAM_BOTTOM;
    const doc = parseProgress(handEdited);
    const next = renderProgress(doc, stateWith({ 'POST /x': { notes: 'n' } }), 'new tables');
    const after = parseProgress(next);
    assert.strictEqual(next.slice(0, after.tables!.start), TEAM_TOP);
    assert.strictEqual(next.slice(after.tables!.end, after.stateRegion!.start), '\n\nentre   regiones\n\n');
    assert.strictEqual(next.slice(after.stateRegion!.end), TEAM_BOTTOM);
    assert.ok(next.includes('new tables') && !next.includes('old tables'));
    assert.deepStrictEqual(after.state.endpoints, { 'POST /x': { notes: 'n' } });
  });

  it('appends the regions to a file the team created (seed: touch progress.md), keeping its text', () => {
    const own = '# Migración\n\nEmpezamos el lunes.';
    const next = renderProgress(parseProgress(own), emptyState(), 'tables');
    assert.ok(next.startsWith(own + '\n\n<!-- async-migrate:tables -->'), next);
    const empty = renderProgress(parseProgress(''), emptyState(), 'tables');
    assert.ok(empty.startsWith('<!-- async-migrate:tables -->'));
  });

  it('keeps CRLF line endings for the regions of a CRLF file', () => {
    const crlf = '# Notes\r\n\r\nteam text\r\n';
    const next = renderProgress(parseProgress(crlf), stateWith({ 'GET /a': { owner: 'x' } }), 'line 1\nline 2');
    assert.ok(next.startsWith(crlf));
    assert.ok(!/[^\r]\n/.test(next), 'no bare LF');
    assert.deepStrictEqual(parseProgress(next).state.endpoints, { 'GET /a': { owner: 'x' } });
  });

  it('invalid JSON in the block: error with the line in progress.md', () => {
    const good = renderProgress(undefined, stateWith({ 'GET /a': { owner: 'ana' } }), 't');
    const broken = good.replace('"owner": "ana"', '"owner": "ana",\n      "notes": oops');
    const e = parseError(broken);
    const line = broken.split('\n').findIndex((l) => l.includes('oops')) + 1;
    assert.strictEqual(e.line, line);
    assert.strictEqual(e.kind, 'json');
    assert.match(e.message, new RegExp(`^docs/async-migration/progress\\.md:${line}: the state block is not valid JSON: unexpected "o"`));
  });

  it('a valid JSON with a wrong shape names the line too', () => {
    const good = renderProgress(undefined, stateWith({ 'GET /a': { checklist: { 'prep.branch': { done: true } } } }), 't');
    const bad = good.replace('{"done": true}', '{"done": "yes"}');
    const e = parseError(bad);
    assert.strictEqual(e.line, bad.split('\n').findIndex((l) => l.includes('"yes"')) + 1);
    assert.match(e.problem, /endpoint "GET \/a": checklist item "prep\.branch": "done" must be true or false, got "yes"/);
  });

  it('merge conflict markers in the block: error naming the line; repair merges both sides', () => {
    const good = renderProgress(undefined, stateWith({ 'GET /a': { owner: 'ana' } }), 't');
    const conflicted = good.replace(
      '    "GET /a": {\n      "owner": "ana"\n    }',
      [
        '<<<<<<< HEAD',
        '    "GET /a": {',
        '      "checklist": {',
        '        "prep.branch": {"at": "2025-12-09T10:00:00Z", "done": true}',
        '      },',
        '      "owner": "ana"',
        '    }',
        '=======',
        '    "GET /a": {',
        '      "owner": "ana"',
        '    },',
        '    "GET /b": {',
        '      "owner": "bob"',
        '    }',
        '>>>>>>> feature/async-users',
      ].join('\n'),
    );
    const e = parseError(conflicted);
    assert.strictEqual(e.kind, 'conflict');
    assert.strictEqual(e.line, conflicted.split('\n').indexOf('<<<<<<< HEAD') + 1);
    assert.match(e.problem, /merge conflict marker "<<<<<<<" in the state block/);
    const recovered = recoverConflictedState(conflicted);
    assert.ok(recovered.recovered);
    assert.deepStrictEqual(recovered.state.endpoints, {
      'GET /a': { owner: 'ana', checklist: { 'prep.branch': { at: '2025-12-09T10:00:00Z', done: true } } },
      'GET /b': { owner: 'bob' },
    });
  });

  it('conflict markers in the generated tables only are a warning (they are regenerated)', () => {
    const good = renderProgress(undefined, emptyState(), 'a\nb');
    const conflicted = good.replace('\na\nb\n', '\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n');
    const doc = parseProgress(conflicted);
    assert.strictEqual(doc.warnings.length, 1);
    assert.match(doc.warnings[0], /merge conflict markers in the generated tables/);
  });

  it('marker problems: duplicated block, missing end, unknown version', () => {
    const good = renderProgress(undefined, emptyState(), 't');
    const doc = parseProgress(good);
    const block = good.slice(doc.stateRegion!.start, doc.stateRegion!.end);
    assert.match(parseError(good + '\n' + block + '\n').problem, /a second "async-migrate:state" start marker \(the first is at line \d+\)/);
    assert.match(parseError(good.replace('<!-- /async-migrate:state -->', '')).problem, /start marker without its end marker/);
    assert.match(parseError(good.replace('async-migrate:state v1', 'async-migrate:state v2')).problem, /version v2 is not supported/);
  });

  it('orphans: state of endpoints no longer in the code is kept under "orphaned" and re-attached when it returns', () => {
    const state = stateWith({ 'GET /old': { owner: 'ana', notes: 'half done' }, 'GET /kept': { owner: 'bob' }, 'GET /empty': {} });
    const first = reconcileOrphans(state, new Set(['GET /kept']), '2025-12-10');
    assert.deepStrictEqual(first, { orphaned: ['GET /old'], restored: [] });
    assert.deepStrictEqual(Object.keys(state.endpoints), ['GET /kept']);
    assert.deepStrictEqual(state.orphaned['GET /old'].state, { owner: 'ana', notes: 'half done' });
    assert.strictEqual(state.orphaned['GET /old'].since, '2025-12-10');
    const again = reconcileOrphans(state, new Set(['GET /kept', 'GET /old']), '2025-12-11');
    assert.deepStrictEqual(again, { orphaned: [], restored: ['GET /old'] });
    assert.deepStrictEqual(state.endpoints['GET /old'], { owner: 'ana', notes: 'half done' });
    assert.deepStrictEqual(state.orphaned, {});
  });

  it('unknown keys in the state are preserved', () => {
    const text = renderProgress(undefined, { ...stateWith({ 'GET /a': { owner: 'x', jira: 'GYM-12' } }), team: 'core' } as ProgressState, 't');
    const doc = parseProgress(text);
    assert.strictEqual((doc.state as Record<string, unknown>).team, 'core');
    assert.strictEqual(doc.state.endpoints['GET /a'].jira, 'GYM-12');
  });
});
