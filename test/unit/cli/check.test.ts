// `async-migrate check`: output formats, exit codes, selection, CI mode, robustness.
import * as assert from 'assert';
import { escapeData, escapeProperty } from '../../../server/src/cli/format/github';
import { RULES } from '../../../server/src/analysis/rules/registry';
import { captureIO } from '../../../server/src/cli/io';
import { main } from '../../../server/src/cli/main';
import { py } from '../helpers';
import { cli, positionOf, tempWorkspace } from './workspace';

const MODELS = py`
  from datetime import datetime


  def stamp():
      return datetime.utcnow()


  def later():
      return datetime.utcfromtimestamp(0)
`;

const PYPROJECT = py`
  [project]
  name = "demo"
`;

describe('check: text output and exit codes', () => {
  it('prints path:line:col: CODE message per finding, grouped by file, then a summary by rule; exit 1', async () => {
    const dir = tempWorkspace({ 'pyproject.toml': PYPROJECT, 'app/models.py': MODELS, 'app/other.py': MODELS, 'app/clean.py': 'x = 1\n' });
    const r = await cli(dir, ['check', '--select', 'AM401']);
    assert.strictEqual(r.code, 1, r.stderr);
    const a = positionOf(MODELS, 'datetime.utcnow()');
    const b = positionOf(MODELS, 'datetime.utcfromtimestamp(0)');
    const lines = r.stdout.split('\n');
    assert.match(lines[0], new RegExp(`^app/models\\.py:${a.line}:${a.column}: AM401 \`datetime\\.utcnow\\(\\)\` returns a naive datetime`));
    assert.match(lines[1], new RegExp(`^app/models\\.py:${b.line}:${b.column}: AM401 `));
    assert.strictEqual(lines[2], '', 'a blank line separates files');
    assert.match(lines[3], /^app\/other\.py:/);
    // AM401's fix is unsafe: no [*] marker, and the summary says how to apply it.
    assert.ok(!lines[0].endsWith('[*]'));
    assert.match(r.stdout, /Found 4 findings in 2 files \(3 files checked\)\./);
    assert.match(r.stdout, /\n {2}4 {2}AM401 {2}datetime-utcnow {2}\[-\]\n/);
    assert.match(r.stdout, /4 fixable with `async-migrate fix --unsafe-fixes`/);
  });

  it('marks safely fixable findings with [*] and counts them for `async-migrate fix`', async () => {
    const dir = tempWorkspace({
      'app/cache.py': py`
        import redis

        r = redis.Redis()


        def purge():
            return r.keys("session:*")
      `,
    });
    const r = await cli(dir, ['check', '--select', 'AM301']);
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^app\/cache\.py:7:12: AM301 .* \[\*\]$/m);
    assert.match(r.stdout, /\[\*\] 1 fixable with `async-migrate fix`/);
  });

  it('exits 0 and says so when there is nothing to report; --no-summary prints nothing', async () => {
    const dir = tempWorkspace({ 'app/clean.py': 'x = 1\n' });
    const r = await cli(dir, ['check']);
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, /All checks passed \(1 file checked\)\./);
    const quiet = await cli(dir, ['check', '--no-summary']);
    assert.strictEqual(quiet.code, 0);
    assert.strictEqual(quiet.stdout, '');
  });

  it('--exit-zero exits 0 with findings; --no-summary keeps only the findings', async () => {
    const dir = tempWorkspace({ 'app/models.py': MODELS });
    const r = await cli(dir, ['check', '--select', 'AM401', '--exit-zero', '--no-summary']);
    assert.strictEqual(r.code, 0);
    assert.strictEqual(r.stdout.trim().split('\n').length, 2);
    assert.ok(!r.stdout.includes('Found'));
  });

  it('--statistics prints counts per rule instead of each finding', async () => {
    const dir = tempWorkspace({ 'app/models.py': MODELS });
    const r = await cli(dir, ['check', '--select', 'AM401', '--statistics']);
    assert.strictEqual(r.code, 1);
    assert.ok(!r.stdout.includes('app/models.py:'), r.stdout);
    assert.match(r.stdout, /2 {2}AM401 {2}datetime-utcnow/);
  });

  it('analyses only the PATHS given but indexes the whole project root', async () => {
    const dir = tempWorkspace({ 'pyproject.toml': PYPROJECT, 'app/a/models.py': MODELS, 'app/b/models.py': MODELS });
    const r = await cli(dir, ['check', '--select', 'AM401', 'app/b']);
    assert.strictEqual(r.code, 1);
    assert.ok(r.stdout.includes('app/b/models.py:'));
    assert.ok(!r.stdout.includes('app/a/models.py:'));
    assert.match(r.stdout, /\(1 file checked\)/);
    // From a subdirectory, paths are shown relative to where the user is.
    const sub = await cli(`${dir}/app`, ['check', '--select', 'AM401', 'b/models.py']);
    assert.match(sub.stdout, /^b\/models\.py:5:12: AM401/m);
  });

  it('a bad configuration key exits 2, naming the key, and checks nothing', async () => {
    const dir = tempWorkspace({
      'pyproject.toml': py`
        [tool.async-migrate]
        selct = ["AM1"]
      `,
      'app/models.py': MODELS,
    });
    const r = await cli(dir, ['check']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /pyproject\.toml.*tool\.async-migrate\.selct: unknown key "selct"/);
    assert.strictEqual(r.stdout, '');
  });

  it('usage errors exit 2: unknown --format, unknown option, unknown code, missing path, --write-baseline alone', async () => {
    const dir = tempWorkspace({ 'app/models.py': MODELS });
    const cases: [string[], RegExp][] = [
      [['check', '--format', 'xml'], /invalid value for --format: "xml" \(choose from text, json, sarif, github\)/],
      [['check', '--formt', 'json'], /unknown option --formt \(did you mean --format\?\)/],
      [['check', '--select', 'AM999'], /--select: "AM999" matches no rule/],
      [['check', '--ignore', 'E501'], /--ignore: "E501" matches no rule/],
      [['check', 'nope/'], /path not found: nope\//],
      [['check', '--write-baseline'], /--write-baseline needs --baseline FILE/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(dir, args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });

  it('--help describes the options and exits 0', async () => {
    const r = await cli(process.cwd(), ['check', '--help']);
    assert.strictEqual(r.code, 0);
    for (const flag of ['--format', '--select', '--ignore', '--baseline', '--write-baseline', '--ci', '--exit-zero', '--statistics', '--explain', '--no-summary']) assert.ok(r.stdout.includes(flag), flag);
  });
});

describe('check: selection and CI mode', () => {
  const files = {
    'app/models.py': MODELS,
    'app/cache.py': py`
      import redis

      r = redis.Redis()


      def purge():
          return r.keys("session:*")
    `,
    'app/users.py': py`
      from sqlalchemy.orm import Session

      from app.models import User


      def list_users(db: Session):
          return db.query(User).all()
    `,
  };
  const codes = (stdout: string) => [...new Set([...stdout.matchAll(/^\S+:\d+:\d+: (AM\d+) /gm)].map((m) => m[1]))].sort();

  it('--select and --ignore take comma-separated codes and prefixes', async () => {
    const dir = tempWorkspace(files);
    assert.deepStrictEqual(codes((await cli(dir, ['check', '--select', 'AM3,AM401'])).stdout), ['AM301', 'AM401']);
    assert.deepStrictEqual(codes((await cli(dir, ['check', '--select', 'AM3'])).stdout), ['AM301']);
    assert.deepStrictEqual(codes((await cli(dir, ['check', '--select', 'AM3,AM4', '--ignore', 'AM401'])).stdout), ['AM301']);
    assert.deepStrictEqual(codes((await cli(dir, ['check', '--select', 'am301', '--select', 'am401'])).stdout), ['AM301', 'AM401']);
  });

  it('hint rules off in CI (AM102) run in a terminal, not with --ci or CI=true, unless selected', async () => {
    assert.ok(RULES.find((r) => r.code === 'AM102')?.offInCiByDefault, 'AM102 is marked off in CI');
    const dir = tempWorkspace(files);
    assert.ok(codes((await cli(dir, ['check'])).stdout).includes('AM102'));
    assert.ok(!codes((await cli(dir, ['check', '--ci'])).stdout).includes('AM102'));
    assert.ok(!codes((await cli(dir, ['check'], { CI: 'true' })).stdout).includes('AM102'));
    assert.ok(codes((await cli(dir, ['check', '--select', 'AM102'], { CI: 'true' })).stdout).includes('AM102'));
    assert.ok(codes((await cli(dir, ['check'], { CI: 'false' })).stdout).includes('AM102'));
  });
});

describe('check: JSON, SARIF and GitHub formats', () => {
  const dir = () => tempWorkspace({ 'app/models.py': MODELS, 'app/cache.py': 'import redis\n\nr = redis.Redis()\n\n\ndef purge():\n    return r.keys("x:*")\n' });

  it('json: an array of {path, line, column, endLine, endColumn, code, rule, severity, message, fixable}, 1-based', async () => {
    const r = await cli(dir(), ['check', '--format', 'json', '--select', 'AM401,AM301']);
    assert.strictEqual(r.code, 1);
    const items = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.strictEqual(items.length, 3);
    for (const key of ['path', 'line', 'column', 'endLine', 'endColumn', 'code', 'rule', 'severity', 'message', 'fixable']) assert.ok(key in items[0], key);
    const call = 'datetime.utcnow()';
    const start = positionOf(MODELS, call);
    const utcnow = items.find((i) => i.path === 'app/models.py' && i.line === start.line)!;
    assert.deepStrictEqual(
      { line: utcnow.line, column: utcnow.column, endLine: utcnow.endLine, endColumn: utcnow.endColumn, code: utcnow.code, rule: utcnow.rule, severity: utcnow.severity, fixable: utcnow.fixable },
      { line: start.line, column: start.column, endLine: start.line, endColumn: start.column + call.length, code: 'AM401', rule: 'datetime-utcnow', severity: 'warning', fixable: false },
    );
    const keys = items.find((i) => i.code === 'AM301')!;
    assert.strictEqual(keys.path, 'app/cache.py');
    assert.strictEqual(keys.fixable, true);
    assert.deepStrictEqual([keys.line, keys.column], [7, 12]);
  });

  it('json: clean run prints [] and exits 0', async () => {
    const r = await cli(tempWorkspace({ 'a.py': 'x = 1\n' }), ['check', '--format', 'json']);
    assert.strictEqual(r.code, 0);
    assert.deepStrictEqual(JSON.parse(r.stdout), []);
  });

  it('sarif: 2.1.0 with rule metadata, consistent ruleIndex, 1-based regions and relative URIs', async () => {
    const r = await cli(dir(), ['check', '--format', 'sarif', '--select', 'AM401,AM301']);
    assert.strictEqual(r.code, 1);
    const log = JSON.parse(r.stdout);
    assert.strictEqual(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.strictEqual(log.runs.length, 1);
    const run = log.runs[0];
    const rules = run.tool.driver.rules as { id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string }; helpUri: string; defaultConfiguration: { level: string } }[];
    assert.strictEqual(run.tool.driver.name, 'async-migrate');
    assert.deepStrictEqual(rules.map((x) => x.id), RULES.map((x) => x.code));
    const am401 = rules.find((x) => x.id === 'AM401')!;
    assert.strictEqual(am401.name, 'datetime-utcnow');
    assert.ok(am401.shortDescription.text.length > 10);
    assert.ok(am401.fullDescription.text.length > 10);
    assert.match(am401.help.markdown, /## Why is this bad\?/);
    assert.match(am401.helpUri, /^(https|file):\/\/.*docs\/rules\/AM401-datetime-utcnow\.md$/);
    assert.strictEqual(am401.defaultConfiguration.level, 'warning');
    assert.strictEqual(run.results.length, 3);
    for (const result of run.results) {
      assert.strictEqual(rules[result.ruleIndex].id, result.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(result.level));
      const loc = result.locations[0].physicalLocation;
      assert.strictEqual(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(!loc.artifactLocation.uri.startsWith('/'));
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
      assert.ok(loc.region.endLine >= loc.region.startLine);
      assert.strictEqual(typeof result.partialFingerprints['asyncMigrate/v1'], 'string');
    }
    const utcnow = run.results.find((x: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }) => x.ruleId === 'AM401' && x.locations[0].physicalLocation.region.startLine === positionOf(MODELS, 'datetime.utcnow()').line);
    const start = positionOf(MODELS, 'datetime.utcnow()');
    assert.deepStrictEqual(utcnow.locations[0].physicalLocation, {
      artifactLocation: { uri: 'app/models.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: start.line, startColumn: start.column, endLine: start.line, endColumn: start.column + 'datetime.utcnow()'.length },
    });
    // Only properties the SARIF 2.1.0 schema allows (it forbids additional properties on these objects).
    const allowed: [string, object, string[]][] = [
      ['log', log, ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties']],
      ['run', run, ['tool', 'invocations', 'conversion', 'language', 'versionControlProvenance', 'originalUriBaseIds', 'artifacts', 'logicalLocations', 'graphs', 'results', 'automationDetails', 'runAggregates', 'baselineGuid', 'redactionTokens', 'defaultEncoding', 'defaultSourceLanguage', 'newlineSequences', 'columnKind', 'externalPropertyFileReferences', 'threadFlowLocations', 'taxonomies', 'addresses', 'translations', 'policies', 'webRequests', 'webResponses', 'specialLocations', 'properties']],
      ['driver', run.tool.driver, ['guid', 'name', 'organization', 'product', 'productSuite', 'shortDescription', 'fullDescription', 'fullName', 'version', 'semanticVersion', 'dottedQuadFileVersion', 'releaseDateUtc', 'downloadUri', 'informationUri', 'globalMessageStrings', 'notifications', 'rules', 'taxa', 'locations', 'language', 'contents', 'isComprehensive', 'localizedDataSemanticVersion', 'minimumRequiredLocalizedDataSemanticVersion', 'associatedComponent', 'translationMetadata', 'supportedTaxonomies', 'properties']],
      ...rules.map((x): [string, object, string[]] => ['rule', x, ['id', 'deprecatedIds', 'guid', 'deprecatedGuids', 'name', 'deprecatedNames', 'shortDescription', 'fullDescription', 'messageStrings', 'defaultConfiguration', 'helpUri', 'help', 'relationships', 'properties']]),
      ...run.results.map((x: object): [string, object, string[]] => ['result', x, ['ruleId', 'ruleIndex', 'rule', 'kind', 'level', 'message', 'analysisTarget', 'locations', 'guid', 'correlationGuid', 'occurrenceCount', 'partialFingerprints', 'fingerprints', 'stacks', 'codeFlows', 'graphs', 'graphTraversals', 'relatedLocations', 'suppressions', 'baselineState', 'rank', 'attachments', 'hostedViewerUri', 'workItemUris', 'provenance', 'fixes', 'taxa', 'webRequest', 'webResponse', 'properties']]),
      ...run.results.map((x: { locations: { physicalLocation: { region: object } }[] }): [string, object, string[]] => ['region', x.locations[0].physicalLocation.region, ['startLine', 'startColumn', 'endLine', 'endColumn', 'charOffset', 'charLength', 'byteOffset', 'byteLength', 'snippet', 'message', 'sourceLanguage', 'properties']]),
    ];
    for (const [what, object, keys] of allowed) for (const key of Object.keys(object)) assert.ok(keys.includes(key), `${what} has property "${key}" that SARIF 2.1.0 does not allow`);
    assert.strictEqual(run.columnKind, 'utf16CodeUnits');
    assert.strictEqual(run.invocations[0].executionSuccessful, true);
    // Fingerprints are unique per finding.
    assert.strictEqual(new Set(run.results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['asyncMigrate/v1'])).size, 3);
  });

  it('sarif: columns count UTF-16 code units (an emoji before the call counts 2)', async () => {
    const text = 'from datetime import datetime\n\nx = ("😀", datetime.utcnow())\n';
    const r = await cli(tempWorkspace({ 'm.py': text }), ['check', '--format', 'sarif', '--select', 'AM401']);
    const region = JSON.parse(r.stdout).runs[0].results[0].locations[0].physicalLocation.region;
    assert.strictEqual(region.startColumn, 'x = ("😀", '.length + 1);
    assert.strictEqual('x = ("😀", '.length, 11);
  });

  it('github: ::level file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE name::message', async () => {
    const r = await cli(dir(), ['check', '--format', 'github', '--select', 'AM401,AM301']);
    assert.strictEqual(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.strictEqual(lines.length, 3);
    const start = positionOf(MODELS, 'datetime.utcnow()');
    const expectedPrefix = `::warning file=app/models.py,line=${start.line},col=${start.column},endLine=${start.line},endColumn=${start.column + 17},title=AM401 datetime-utcnow::`;
    assert.ok(lines.some((l) => l.startsWith(expectedPrefix)), lines.join('\n'));
  });

  it('github: escapes %, CR and LF in messages, and also : and , in properties', () => {
    assert.strictEqual(escapeData('100% done\r\nnext'), '100%25 done%0D%0Anext');
    assert.strictEqual(escapeProperty('a,b:c%d\n'), 'a%2Cb%3Ac%25d%0A');
  });
});

describe('check: --explain', () => {
  it('prints what / why / example / use instead / limits, fix availability and default severity', async () => {
    const r = await cli(process.cwd(), ['check', '--explain', 'AM401']);
    assert.strictEqual(r.code, 0);
    for (const part of ['AM401 datetime-utcnow', 'Default severity: warning', 'Fix: always available', 'What it does', 'Why is this bad?', 'Example', 'Use instead', 'Known limits', 'datetime.now(timezone.utc)', 'Docs: ']) {
      assert.ok(r.stdout.includes(part), part);
    }
  });

  it('accepts a rule name or a lower-case code', async () => {
    assert.match((await cli(process.cwd(), ['check', '--explain', 'redis-keys'])).stdout, /^AM301 redis-keys/);
    assert.match((await cli(process.cwd(), ['check', '--explain', 'am301'])).stdout, /^AM301 redis-keys/);
  });

  it('an unknown code exits 2 with the list of rules', async () => {
    const r = await cli(process.cwd(), ['check', '--explain', 'AM999']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /unknown rule "AM999"/);
    for (const rule of RULES) assert.ok(r.stderr.includes(`${rule.code}  ${rule.name}`), rule.code);
  });
});

describe('check: progress', () => {
  it('shows indexing and analysis progress on a terminal (then clears it), and nothing when stderr is not one', async () => {
    const dir = tempWorkspace({ 'app/a.py': 'x = 1\n', 'app/b.py': 'y = 2\n' });
    const statuses: string[] = [];
    const io = { ...captureIO(dir), progress: (t: string) => statuses.push(t) };
    assert.strictEqual(await main(['check'], io), 0);
    assert.ok(statuses.some((t) => /^indexing \d+\/2 app\/[ab]\.py$/.test(t)), statuses.join('|'));
    assert.ok(statuses.includes('analysing 2/2 app/b.py'), statuses.join('|'));
    assert.strictEqual(statuses.at(-1), '');
    const plain = await cli(dir, ['check']);
    assert.strictEqual(plain.stderr, '');
  });
});

describe('check: robustness', () => {
  it('analyses a file with a syntax error (findings outside the error region) and reports a binary file as skipped', async () => {
    const broken = py`
      from datetime import datetime


      def ok():
          return datetime.utcnow()


      def broken(:
          return datetime.utcnow(
    `;
    const dir = tempWorkspace({ 'app/broken.py': broken, 'app/blob.py': Buffer.from([0x80, 0x00, 0x01, 0x02, 0x00]) });
    const r = await cli(dir, ['check', '--select', 'AM401']);
    assert.strictEqual(r.code, 1);
    const found = [...r.stdout.matchAll(/^app\/broken\.py:(\d+):\d+: AM401/gm)].map((m) => Number(m[1]));
    assert.deepStrictEqual(found, [5]);
    assert.match(r.stdout, /^skipped app\/blob\.py: binary file \(contains NUL bytes\)$/m);
  });

  it('reads non-UTF-8 files with a warning instead of crashing', async () => {
    const latin1 = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nfrom datetime import datetime\nx = datetime.utcnow()\n')]);
    const dir = tempWorkspace({ 'legacy.py': latin1 });
    const r = await cli(dir, ['check', '--select', 'AM401']);
    assert.strictEqual(r.code, 1);
    assert.match(r.stdout, /^legacy\.py:3:5: AM401/m);
    assert.match(r.stdout, /^warning legacy\.py: not valid UTF-8/m);
  });

  it('in machine formats, skipped files go to stderr and stdout stays parseable', async () => {
    const dir = tempWorkspace({ 'app/blob.py': Buffer.from([0, 1, 2]), 'app/ok.py': 'x = 1\n' });
    const r = await cli(dir, ['check', '--format', 'json']);
    assert.deepStrictEqual(JSON.parse(r.stdout), []);
    assert.match(r.stderr, /skipped app\/blob\.py: binary file/);
    const sarif = JSON.parse((await cli(dir, ['check', '--format', 'sarif'])).stdout);
    assert.match(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text, /skipped app\/blob\.py/);
  });
});

describe('check: extend-exclude', () => {
  it('adds to the default excludes instead of replacing them (unlike exclude)', async () => {
    const utc = 'from datetime import datetime\n\nstamp = datetime.utcnow()\n';
    const files = { 'app/a.py': utc, 'scripts/one_off.py': utc, 'venv/lib/site.py': utc };
    const paths = async (pyproject: string) => {
      const dir = tempWorkspace({ ...files, 'pyproject.toml': pyproject });
      const r = await cli(dir, ['check', '--format', 'json', '.']);
      return (JSON.parse(r.stdout) as { path: string }[]).map((f) => f.path).sort();
    };
    assert.deepStrictEqual(await paths('[tool.async-migrate]\nextend-exclude = ["scripts/**"]\n'), ['app/a.py']);
    // `exclude` replaces the defaults, so venv/ comes back.
    assert.deepStrictEqual(await paths('[tool.async-migrate]\nexclude = ["scripts/**"]\n'), ['app/a.py', 'venv/lib/site.py']);
  });
});
