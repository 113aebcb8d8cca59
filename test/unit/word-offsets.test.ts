// wordOffsets (semantics.ts) replaces a Unicode regular expression: it must find exactly its
// matches, including next to non-ASCII letters, digits, combining marks and surrogate pairs.
import * as assert from 'assert';
import { wordOffsets } from '../../server/src/analysis/semantics';
import { prng } from './lsp/random-edits';

function byRegex(text: string, names: string[]): number[] {
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const word = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${escaped.join('|')})(?![\\p{L}\\p{N}_])`, 'gu');
  return [...text.matchAll(word)].map((m) => m.index!);
}

describe('wordOffsets', () => {
  it('finds what the whole-word regular expression finds, on random text with Unicode around the names', () => {
    const random = prng(13);
    const pieces = ['svc', 'svc_x', 'user_service', 'user', 'é', 'ü', 'Ω', '𝔘', '\u0301', '٣', '_', '1', 'a', ' ', '.', '(', '\n', '#', '"', '😀', '\ud800', '\udc00'];
    const nameSets = [['svc'], ['user_service', 'user'], ['svc', 'svc_x', 'user'], ['é'], ['𝔘svc']];
    for (let round = 0; round < 3000; round++) {
      const names = nameSets[round % nameSets.length];
      let text = '';
      const length = 1 + Math.floor(random() * 30);
      for (let i = 0; i < length; i++) text += random() < 0.3 ? names[Math.floor(random() * names.length)] : pieces[Math.floor(random() * pieces.length)];
      assert.deepStrictEqual(wordOffsets(text, new Set(names)), byRegex(text, names), JSON.stringify({ text, names }));
    }
  });

  it('on a real module', () => {
    const text = 'from app.services import user_service\n\nasync def f(db):\n    return user_service.get(db)  # user_service\nuser_services = 1\n';
    assert.deepStrictEqual(wordOffsets(text, new Set(['user_service'])), byRegex(text, ['user_service']));
    assert.strictEqual(wordOffsets(text, new Set(['user_service'])).length, 3);
  });
});
