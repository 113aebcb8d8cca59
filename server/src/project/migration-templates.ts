// Templates of the per-endpoint workflow (seed, "Checklist para cada endpoint"): branch name,
// test command, analysis document and locust file paths, a curl line and a locust file.
// Pure functions (no fs, no vscode): the server resolves them with the folder's configuration,
// the client renders the curl line and the locust file.

export interface EndpointNames {
  method: string;
  route: string;
  function: string;
  /** Workspace-relative POSIX path of the handler file. */
  path: string;
}

function stem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.pyi?$/, '');
}

function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `attendance-checkin`: the handler's file and function, for branch and document names. */
export function endpointSlug(e: EndpointNames): string {
  const fileStem = stem(e.path);
  const file = fileStem === '__init__' ? stem(e.path.slice(0, Math.max(0, e.path.lastIndexOf('/')))) || 'app' : fileStem;
  return kebab(`${file}-${e.function}`) || 'endpoint';
}

/** Candidates for `{endpoint}` in the test command: the file's stem, then its package's name. */
export function testNameCandidates(e: EndpointNames): string[] {
  const parts = e.path.split('/');
  const out = [stem(e.path)];
  if (parts.length >= 2) out.push(parts[parts.length - 2]);
  return [...new Set(out.filter((p) => p && p !== '__init__'))];
}

function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Expands a template: {name} (endpoint slug), {endpoint} (test name), {function}, {module}
 * (file stem), {method} (lower case), {date} (YYYY-MM-DD). Unknown placeholders stay as written.
 */
export function expandTemplate(template: string, e: EndpointNames, values: { endpoint?: string; date?: Date } = {}): string {
  const map: Record<string, string> = {
    name: endpointSlug(e),
    endpoint: values.endpoint ?? testNameCandidates(e)[0] ?? 'endpoint',
    function: e.function,
    module: stem(e.path),
    method: e.method.toLowerCase(),
    date: isoDate(values.date ?? new Date()),
  };
  return template.replace(/\{([a-z]+)\}/g, (m, key: string) => map[key] ?? m);
}

/**
 * The test command for an endpoint. `{endpoint}` becomes the first candidate whose test file
 * exists (`fileExists(relPath)`), else the file's stem.
 */
export function testCommandFor(template: string, e: EndpointNames, fileExists: (rel: string) => boolean): string {
  const candidates = testNameCandidates(e);
  if (template.includes('{endpoint}')) {
    for (const c of candidates) {
      const command = expandTemplate(template, e, { endpoint: c });
      const files = splitCommandLine(command).filter((a) => /\.py$/.test(a) || a.includes('.py::'));
      if (files.length && files.every((f) => fileExists(f.split('::')[0]))) return command;
    }
  }
  return expandTemplate(template, e);
}

export function branchNameFor(template: string, e: EndpointNames, date = new Date()): string {
  return expandTemplate(template, e, { date });
}

export function analysisDocPath(e: EndpointNames): string {
  return `docs/async-migration/endpoints/${endpointSlug(e)}.md`;
}

export function locustFilePath(e: EndpointNames): string {
  return `tests/load/test_${endpointSlug(e).replace(/-/g, '_')}_load.py`;
}

/**
 * Splits a command line into words like a POSIX shell would for plain words and quotes
 * ('…', "…", backslash escapes), without expanding anything. `openQuote` is set when the line
 * ends inside a quote. Shared by the test-command runners of the client and of `verify`.
 */
export function shellWords(line: string): { words: string[]; openQuote?: '"' | "'" } {
  const words: string[] = [];
  let current = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) current += line[++i];
      else current += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) words.push(current);
      current = '';
      has = false;
    } else {
      current += c;
      has = true;
    }
  }
  if (quote) return { words, openQuote: quote };
  if (has) words.push(current);
  return { words };
}

/**
 * Splits a command line into arguments (see shellWords); throws on an unterminated quote. Used
 * to run the test command as a process with an argument array (never through a shell).
 */
export function splitCommandLine(line: string): string[] {
  const { words, openQuote } = shellWords(line);
  if (openQuote) throw new Error(`unterminated ${openQuote} quote in: ${line}`);
  return words;
}

/** Quotes one argument for a POSIX shell (for text the user copies, never for execution). */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A curl line for the route (the seed's manual test), with a JSON body for write methods. */
export function curlCommand(e: Pick<EndpointNames, 'method' | 'route'>, baseUrl = 'http://localhost:8000'): string {
  const url = baseUrl.replace(/\/+$/, '') + (e.route.startsWith('/') ? e.route : `/${e.route}`);
  const args = ['curl', '-sS', '-g', '-X', e.method.toUpperCase(), url];
  if (['POST', 'PUT', 'PATCH'].includes(e.method.toUpperCase())) args.push('-H', 'Content-Type: application/json', '-d', '{}');
  return args.map(shellQuote).join(' ');
}

function pyString(text: string): string {
  // JSON string syntax is valid Python for these characters (escapes quotes, backslashes, controls).
  return JSON.stringify(text);
}

/** A locust load-test file for the endpoint (seed: `locust -f tests/load/test_{endpoint}_load.py`). */
export function locustFile(e: EndpointNames): string {
  const cls = endpointSlug(e)
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
  const method = e.method.toLowerCase();
  const route = e.route.replace(/\{\?\}/g, '');
  const hasParams = /\{[^}]+\}/.test(route);
  const body = ['post', 'put', 'patch'].includes(method) ? ', json={}' : '';
  return [
    `"""Load test for ${e.method} ${route.replace(/"""/g, '')} (${e.path.replace(/"""/g, '')}:${e.function}).`,
    '',
    `Run: locust -f ${locustFilePath(e)} --host http://localhost:8000`,
    'Record P50/P95/P99 before and after the migration (target: P95 -20 %).',
    '"""',
    'from locust import HttpUser, between, task',
    '',
    '',
    `class ${cls || 'Endpoint'}User(HttpUser):`,
    '    wait_time = between(0.5, 2)',
    '',
    '    @task',
    `    def ${e.function.replace(/[^A-Za-z0-9_]/g, '_') || 'endpoint'}(self):`,
    hasParams ? `        # Replace the {placeholders} with real ids from a test database.` : null,
    `        path = ${pyString(route)}`,
    `        self.client.request(${pyString(e.method.toUpperCase())}, path${body}, name=${pyString(`${e.method} ${route}`)})`,
    '',
  ]
    .filter((l): l is string => l !== null)
    .join('\n');
}
