// Seeded random edits for the incremental-parsing tests: inserts, deletes, replacements, pastes
// of whole functions, unbalanced brackets and quotes, line breaks (\n and \r\n) and non-BMP
// characters (surrogate pairs, never split).

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

const PASTES = [
  'async def fetch(db, user_id):\n    return await db.get(User, user_id)\n',
  '\n\n@router.get("/x")\nasync def x(db: Session = Depends(get_db)):\n    time.sleep(1)\n    return db.query(User).all()\n',
  '    stamp = datetime.utcnow()\n',
  '    send_push(1)\n',
  'def helper():\n    pass\n',
  '    keys = redis.keys("a:*")\n',
  '    try:\n        pass\n    except Exception:\n        pass\n',
  'await ',
  'async ',
  '# async-migrate: ignore[AM401]',
  '"""doc\nstring"""\n',
  "f'{x}'",
  'x = "😀 ünïcödé"\n',
  '\r\n',
];

const FRAGMENTS = ['(', ')', '[', ']', '{', '}', '"', "'", ':', ',', '.', '\n', '    ', 'def', 'async', 'await', 'x', ' ', '=', '#', '\\', '"""', '😀', 'é', 'utcnow()', 'db.query(User)', '\t'];

export interface RandomEdit {
  start: number;
  end: number;
  text: string;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Moves an offset off the middle of a surrogate pair or a \r\n pair (LSP positions cannot split those). */
function snap(text: string, offset: number): number {
  if (offset > 0 && offset < text.length && isLowSurrogate(text.charCodeAt(offset))) return offset - 1;
  if (offset > 0 && text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10) return offset - 1;
  return offset;
}

export function randomEdit(text: string, random: () => number): RandomEdit {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const at = () => snap(text, Math.floor(random() * (text.length + 1)));
  const r = random();
  if (r < 0.35 || text.length < 20) {
    const p = at();
    return { start: p, end: p, text: pick(FRAGMENTS) };
  }
  if (r < 0.5) {
    const p = at();
    return { start: p, end: p, text: pick(PASTES) };
  }
  if (r < 0.8) {
    const start = at();
    const end = snap(text, Math.min(text.length, start + 1 + Math.floor(random() * (random() < 0.8 ? 8 : 200))));
    return { start, end, text: '' };
  }
  const start = at();
  const end = snap(text, Math.min(text.length, start + Math.floor(random() * 30)));
  return { start, end, text: pick([...FRAGMENTS, ...PASTES]) };
}

export function applyEdit(text: string, e: RandomEdit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}

/** LSP position of an offset (lines split at \r\n, \n and \r). */
export function lspPosition(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      i++;
      line++;
      lineStart = i + 1;
    } else if (c === 10 || c === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
