// The shared argument parser: the parts users type wrong.
import * as assert from 'assert';
import { UsageError, helpText, parseArgs, type OptionSpec } from '../../../server/src/cli/args';

const SPECS: OptionSpec[] = [
  { name: 'format', type: 'string', choices: ['text', 'json'], help: 'format' },
  { name: 'select', type: 'list', help: 'codes' },
  { name: 'diff', type: 'boolean', help: 'diff' },
  { name: 'output', short: 'o', type: 'string', help: 'file' },
];

describe('args', () => {
  it('parses --opt value, --opt=value, short options, repeated comma lists, positionals and --', () => {
    const p = parseArgs(['app', '--format=json', '--select', 'AM1,AM401', '--select', 'AM3', '--diff', '-o', 'out.sarif', '--', '--not-an-option'], SPECS);
    assert.deepStrictEqual(p.options, { format: 'json', select: ['AM1', 'AM401', 'AM3'], diff: true, output: 'out.sarif' });
    assert.deepStrictEqual(p.positionals, ['app', '--not-an-option']);
  });

  it('rejects unknown options (suggesting the closest), missing values, bad choices and values on flags', () => {
    const error = (argv: string[]) => {
      try {
        parseArgs(argv, SPECS);
      } catch (e) {
        assert.ok(e instanceof UsageError);
        return e.message;
      }
      assert.fail(`no error for ${argv.join(' ')}`);
    };
    assert.strictEqual(error(['--selct', 'AM1']), 'unknown option --selct (did you mean --select?)');
    assert.strictEqual(error(['--zzzzzzzz']), 'unknown option --zzzzzzzz');
    assert.strictEqual(error(['--format']), 'option --format needs a value');
    assert.strictEqual(error(['--format', 'xml']), 'invalid value for --format: "xml" (choose from text, json)');
    assert.strictEqual(error(['--diff=yes']), 'option --diff does not take a value');
    assert.strictEqual(error(['-x']), 'unknown option -x');
  });

  it('help lists every option with its metavar or choices', () => {
    const text = helpText('tool cmd', 'Does things.', SPECS);
    assert.match(text, /^usage: tool cmd$/m);
    assert.match(text, /--format text\|json +format/);
    assert.match(text, /-o, --output VALUE +file/);
    assert.match(text, /-h, --help +show this help and exit/);
  });
});
