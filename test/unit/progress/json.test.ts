import * as assert from 'assert';
import { JsonSyntaxError, parseJsonWithLines, stableStringify } from '../../../server/src/analysis/progress/json';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonWithLines(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a syntax error');
}

describe('progress state JSON', () => {
  it('parses what JSON.parse parses and knows the line of every value', () => {
    const text = '{\n  "a": {\n    "b": [1, 2.5e3, "x\\n\\u00e9"],\n    "c": null\n  },\n  "d": true\n}';
    const parsed = parseJsonWithLines(text);
    assert.deepStrictEqual(parsed.value, JSON.parse(text));
    assert.strictEqual(parsed.lineOf(['a', 'c']), 4);
    assert.strictEqual(parsed.lineOf(['d']), 6);
    assert.strictEqual(parsed.lineOf(['a', 'b', 1]), 3);
  });

  it('names the line and the problem of a hand edit', () => {
    const missingComma = syntaxError('{\n  "a": 1\n  "b": 2\n}');
    assert.strictEqual(missingComma.line, 3);
    assert.match(missingComma.problem, /expected "," or "}" after the value of "a", found """/);
    const single = syntaxError("{\n  'a': 1\n}");
    assert.strictEqual(single.line, 2);
    assert.match(single.problem, /expected a "key"/);
    const unterminated = syntaxError('{\n  "a": "open\n}');
    assert.strictEqual(unterminated.line, 2);
    assert.match(unterminated.problem, /unterminated string/);
    assert.strictEqual(syntaxError('{"a": 1} x').problem, 'unexpected "x" after the end of the JSON value');
  });

  it('rejects duplicate keys (a bad merge) instead of silently keeping the last', () => {
    const e = syntaxError('{\n  "GET /a": {"owner": "ana"},\n  "GET /b": {},\n  "GET /a": {"owner": "bob"}\n}');
    assert.strictEqual(e.line, 4);
    assert.match(e.problem, /duplicate key "GET \/a" \(first at line 2\)/);
  });

  it('tolerates trailing commas (harmless, a common merge result)', () => {
    assert.deepStrictEqual(parseJsonWithLines('{"a": [1, 2,], "b": {"c": 1,},}').value, { a: [1, 2], b: { c: 1 } });
  });

  it('writes sorted keys, one entry per line, leaf objects inline — and reads it back', () => {
    const value = { z: 1, endpoints: { 'GET /b': { owner: 'x', checklist: { 'prep.branch': { done: true, by: 'ana', at: 't' } } }, 'GET /a': {} } };
    const text = stableStringify(value);
    assert.strictEqual(
      text,
      [
        '{',
        '  "endpoints": {',
        '    "GET /a": {},',
        '    "GET /b": {',
        '      "checklist": {',
        '        "prep.branch": {"at": "t", "by": "ana", "done": true}',
        '      },',
        '      "owner": "x"',
        '    }',
        '  },',
        '  "z": 1',
        '}',
      ].join('\n'),
    );
    assert.deepStrictEqual(parseJsonWithLines(text).value, JSON.parse(JSON.stringify(value)));
    assert.strictEqual(stableStringify(JSON.parse(text)), text, 'stable: a second write is identical');
  });
});
