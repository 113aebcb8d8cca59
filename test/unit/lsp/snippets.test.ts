// snippets/python.json: valid JSON in VS Code's snippet format, contributed for Python, and every
// body (placeholders expanded to their defaults) parses as Python without syntax errors.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { initParser, parsePython } from '../../../server/src/analysis/parser';
import { walk } from '../../../server/src/analysis/syntax';
import { REPO } from './client';

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

/** Expands a VS Code snippet body: placeholders → their default text, choices → the first choice, tabstops → ''. */
export function expandSnippet(body: string): string {
  let i = 0;
  const parse = (stopAtBrace: boolean): string => {
    let out = '';
    while (i < body.length) {
      const ch = body[i];
      if (ch === '\\' && i + 1 < body.length && '$}\\,|'.includes(body[i + 1])) {
        out += body[i + 1];
        i += 2;
      } else if (ch === '}' && stopAtBrace) {
        i++;
        return out;
      } else if (ch === '$') {
        i++;
        const simple = /^(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(i));
        if (simple) {
          i += simple[0].length;
          if (!/^\d+$/.test(simple[0])) throw new Error(`snippet variable $${simple[0]} is not expected here`);
        } else if (body[i] === '{') {
          i++;
          const head = /^(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(i));
          if (!head) throw new Error(`bad placeholder at ${i}: ${body.slice(i - 2, i + 10)}`);
          i += head[0].length;
          if (body[i] === '}') i++;
          else if (body[i] === ':') {
            i++;
            out += parse(true);
          } else if (body[i] === '|') {
            const end = body.indexOf('|}', i + 1);
            if (end < 0) throw new Error('unterminated choice');
            out += body.slice(i + 1, end).split(',')[0];
            i = end + 2;
          } else throw new Error(`bad placeholder at ${i}: ${body.slice(i - 4, i + 10)}`);
        } else out += '$';
      } else {
        out += ch;
        i++;
      }
    }
    if (stopAtBrace) throw new Error('unterminated placeholder');
    return out;
  };
  return parse(false);
}

const file = path.join(REPO, 'snippets', 'python.json');

describe('snippets/python.json', () => {
  const snippets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Snippet>;

  before(async () => {
    await initParser();
  });

  it('is contributed for Python in package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const entry = pkg.contributes.snippets.find((s: { language: string }) => s.language === 'python');
    assert.ok(entry, 'no python snippets contribution');
    assert.strictEqual(path.resolve(REPO, entry.path), file);
  });

  it('has the patterns of the strategy document under unique am- prefixes', () => {
    const prefixes = Object.values(snippets).flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    assert.strictEqual(new Set(prefixes).size, prefixes.length, 'duplicate prefixes');
    for (const p of prefixes) assert.match(p, /^am-[a-z0-9-]+$/);
    for (const required of ['am-select', 'am-insert', 'am-update', 'am-delete', 'am-join', 'am-redis-pipeline', 'am-redis-scan', 'am-redis-hash', 'am-endpoint', 'am-to-thread', 'am-test', 'am-locust']) {
      assert.ok(prefixes.includes(required), `missing ${required}`);
    }
    for (const [name, s] of Object.entries(snippets)) assert.ok(s.description && s.description.length > 10, `${name} has no description`);
  });

  it('expands placeholders the way VS Code does', () => {
    assert.strictEqual(expandSnippet('a ${1:db}.x(${2|get,post|}) $0 ${3:/a/{b\\}} \\$x'), 'a db.x(get)  /a/{b} $x');
    assert.strictEqual(expandSnippet('${1:outer ${2:inner}}'), 'outer inner');
    assert.throws(() => expandSnippet('${1:unterminated'));
  });

  for (const [name, snippet] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Snippet>)) {
    it(`"${name}" parses as Python`, () => {
      const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
      const text = expandSnippet(body) + '\n';
      const tree = parsePython(text);
      try {
        const errors: string[] = [];
        walk(tree.rootNode, (n) => {
          if (n.type === 'ERROR' || n.isMissing) errors.push(`${n.type} at ${n.startPosition.row + 1}:${n.startPosition.column + 1}: ${n.text.slice(0, 40)}`);
        });
        assert.deepStrictEqual(errors, [], `\n${text}`);
        assert.ok(!tree.rootNode.hasError, `\n${text}`);
      } finally {
        tree.delete();
      }
    });
  }
});
