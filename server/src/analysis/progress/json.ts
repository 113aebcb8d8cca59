// A small JSON reader that knows where every value is (for errors that name the line of a hand
// edit), rejects duplicate keys (a bad merge must not silently drop an entry, as JSON.parse
// would), tolerates trailing commas (a common merge result, harmless), plus a stable writer:
// sorted keys, one entry per line, leaf objects on one line, so git diffs and merges stay small.

export class JsonSyntaxError extends Error {
  constructor(
    readonly problem: string,
    /** 1-based, relative to the parsed text. */
    readonly line: number,
    readonly column: number,
  ) {
    super(`${problem} (line ${line}, column ${column})`);
  }
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ParsedJson {
  value: JsonValue;
  /** 1-based line of the value at a key path (segments joined with "\u0000"). */
  lineOf(path: (string | number)[]): number | undefined;
}

export function parseJsonWithLines(text: string): ParsedJson {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const fail = (problem: string, at = i): never => {
    // Recompute line/column for `at` (may be before i).
    let l = 1;
    let ls = 0;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        l++;
        ls = k + 1;
      }
    }
    throw new JsonSyntaxError(problem, l, at - ls + 1);
  };
  const skip = () => {
    for (;;) {
      const c = text[i];
      if (c === '\n') {
        line++;
        i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') i++;
      else break;
    }
  };
  const describe = (c: string | undefined) => (c === undefined ? 'end of text' : `"${c}"`);
  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') return fail('unterminated string', start);
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape in string');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && map[e] !== undefined) {
          out += map[e];
          i += 2;
        } else return fail(`bad escape \\${e ?? ''} in string`);
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return fail('control character in string');
      out += c;
      i++;
    }
  };
  const parseValue = (path: string[]): JsonValue => {
    skip();
    lines.set(path.join('\u0000'), line);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, JsonValue> = {};
      const keyLines = new Map<string, number>();
      skip();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skip();
        if (text[i] === '}') {
          i++; // trailing comma
          return obj;
        }
        if (text[i] !== '"') return fail(`expected a "key" in an object, found ${describe(text[i])}`);
        const keyLine = line;
        const keyStart = i;
        const key = parseString();
        if (keyLines.has(key)) return fail(`duplicate key "${key}" (first at line ${keyLines.get(key)}) — two entries for the same thing, probably from a merge; combine them into one`, keyStart);
        keyLines.set(key, keyLine);
        skip();
        if (text[i] !== ':') return fail(`expected ":" after "${key}", found ${describe(text[i])}`);
        i++;
        obj[key] = parseValue([...path, key]);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        return fail(`expected "," or "}" after the value of "${key}", found ${describe(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      for (;;) {
        skip();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        arr.push(parseValue([...path, String(arr.length)]));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        return fail(`expected "," or "]" in an array, found ${describe(text[i])}`);
      }
    }
    if (c === '"') return parseString();
    const rest = text.slice(i, i + 5);
    if (rest.startsWith('true')) {
      i += 4;
      return true;
    }
    if (rest.startsWith('false')) {
      i += 5;
      return false;
    }
    if (rest.startsWith('null')) {
      i += 4;
      return null;
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    if (c === "'") return fail("strings must use double quotes");
    return fail(`unexpected ${describe(c)}`);
  };
  const value = parseValue([]);
  skip();
  if (i < text.length) fail(`unexpected ${describe(text[i])} after the end of the JSON value`);
  return { value, lineOf: (p) => lines.get(p.map(String).join('\u0000')) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${inline(value[k])}`).join(', ')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Stable JSON: sorted keys; the first `expandLevels` levels and every object that contains
 * objects are expanded one entry per line; deeper leaf objects (only scalars/arrays inside)
 * stay on one line.
 */
export function stableStringify(value: unknown, indent = '  ', eol = '\n', expandLevels = 3, level = 0): string {
  if (!isPlainObject(value)) return inline(value);
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  if (!keys.length) return '{}';
  const expand = level < expandLevels || keys.some((k) => isPlainObject(value[k]));
  if (!expand) return inline(value);
  const pad = indent.repeat(level + 1);
  const body = keys.map((k) => `${pad}${JSON.stringify(k)}: ${stableStringify(value[k], indent, eol, expandLevels, level + 1)}`).join(',' + eol);
  return `{${eol}${body}${eol}${indent.repeat(level)}}`;
}
