import * as assert from 'assert';
import { analyze, py } from '../helpers';

// Python 3.12–3.14 syntax never produces a finding by being new: PEP 695 aliases and generics,
// PEP 696 type parameter defaults (the grammar cannot parse them yet), `except*`, PEP 758
// `except A, B:`, t-strings (PEP 750), nested f-strings, `type` as a plain name.
const modern: Record<string, string> = {
  'app/kit/aliases.py': py`
    type Pair[K, V] = tuple[K, V]
    type Tree[T] = T | list[Tree[T]]
    type Sorting[PE: (str, int)] = tuple[PE, bool]
  `,
  'app/kit/defaults.py': py`
    class Box[T = int]:
        def get(self) -> T: ...

    def first[T = str](items: list[T]) -> T:
        return items[0]

    type Alias[T = int] = list[T]
  `,
  'app/kit/errors.py': py`
    import asyncio

    async def gather_all(coros):
        try:
            return await asyncio.gather(*coros)
        except* ValueError:
            raise
        except* (TypeError, KeyError) as group:
            raise group

    def parse(text):
        try:
            return int(text)
        except ValueError, TypeError:
            return None
  `,
  'app/kit/strings.py': py`
    def greet(name):
        template = t"hello {name}"
        return template, f"{f"{name}"!r}"

    type = "kind"
    label = type.upper()
  `,
  'app/api/items.py': py`
    from app.kit.aliases import Pair, Sorting, Tree
    from app.kit.defaults import Alias, Box, first
    from app.kit.errors import gather_all, parse
    from app.kit.strings import greet

    async def read(values: list[int]) -> Pair[str, int]:
        box = Box()
        await gather_all([])
        return ("x", parse(first([str(v) for v in values])) or 0)
  `,
};

describe('Modern Python (3.12–3.14) is understood', () => {
  it('no rule reports anything on new syntax alone', async () => {
    const findings = await analyze(modern);
    assert.deepStrictEqual(findings.map((f) => `${f.path}:${f.range.start.line + 1} ${f.code} ${f.message}`), []);
  });

  it('near miss: the same files still get real findings (the rules run on them)', async () => {
    const files = {
      ...modern,
      'app/api/items.py': modern['app/api/items.py'] + 'import time\n\nasync def slow():\n    time.sleep(1)\n\nfrom app.kit.aliases import Sortng\n',
    };
    const findings = await analyze(files, { only: 'app/api/items.py' });
    assert.deepStrictEqual(findings.map((f) => f.code).sort(), ['AM204', 'AM601']);
  });
});
