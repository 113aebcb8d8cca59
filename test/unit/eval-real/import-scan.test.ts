// The referee `npm run eval:real` uses for "safe to delete": an import scanner independent of the
// engine. It must see imports at any depth, relative imports and dotted-module strings, and stay
// silent on near misses (another module with a similar name, a comment, a non-module string).
import * as assert from 'assert';
import { importersOf, modulePathOf, scanImports, type ImportRef } from '../../../scripts/eval-real/import-scan';

const TARGET = 'app/services/chat.py';

function importers(files: Record<string, string>, target = TARGET, packageDirs?: string[]): ImportRef[] {
  const isPackageDir = packageDirs ? (d: string) => packageDirs.includes(d) : undefined;
  const refs = Object.entries(files).flatMap(([file, text]) => scanImports(file, text, isPackageDir));
  return importersOf([target], refs).get(target)!;
}

describe('eval:real import scanner', () => {
  const invalid: { name: string; file: string; text: string; kind: string }[] = [
    { name: 'top-level from-import', file: 'app/api/x.py', text: 'from app.services.chat import chat_service\n', kind: 'import' },
    { name: 'plain import with alias', file: 'app/api/x.py', text: 'import app.services.chat as chat\n', kind: 'import' },
    { name: 'submodule imported by name from its package', file: 'app/api/x.py', text: 'from app.services import (\n    other,\n    chat,\n)\n', kind: 'import' },
    { name: 'function-local import', file: 'app/api/x.py', text: 'class A:\n    def run(self):\n        from app.services.chat import chat_service\n        return chat_service\n', kind: 'function-local' },
    { name: 'TYPE_CHECKING import', file: 'app/api/x.py', text: 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.services.chat import ChatService\n', kind: 'type-checking' },
    { name: 'try/except ImportError', file: 'app/api/x.py', text: 'try:\n    from app.services.chat import chat_service\nexcept ImportError:\n    chat_service = None\n', kind: 'conditional' },
    { name: 'relative import from a sibling', file: 'app/services/user.py', text: 'from .chat import chat_service\n', kind: 'relative' },
    { name: 'relative import of the module from its package', file: 'app/services/__init__.py', text: 'from . import chat\n', kind: 'relative' },
    { name: 'two-dot relative import', file: 'app/api/x.py', text: 'from ..services.chat import chat_service\n', kind: 'relative' },
    { name: 'importlib string', file: 'app/plugins.py', text: 'import importlib\nmod = importlib.import_module("app.services.chat")\n', kind: 'string' },
    { name: 'module:attribute string in configuration', file: 'app/settings.py', text: "HANDLER = 'app.services.chat:handler'\n", kind: 'string' },
    { name: 'mock.patch target', file: 'tests/test_chat.py', text: 'with mock.patch("app.services.chat.send"):\n    pass\n', kind: 'string' },
    { name: 'import resolved from a monorepo backend folder', file: 'app/api/x.py', text: 'from services.chat import chat_service\n', kind: 'import' },
  ];
  for (const c of invalid) {
    it(`finds the importer: ${c.name}`, () => {
      const found = importers({ [c.file]: c.text });
      assert.strictEqual(found.length, 1, JSON.stringify(found));
      assert.strictEqual(found[0].kind, c.kind);
      assert.strictEqual(found[0].file, c.file);
    });
  }

  const valid: { name: string; file: string; text: string }[] = [
    { name: 'a module with a longer name', file: 'app/api/x.py', text: 'from app.services.chat_async import chat_service\n' },
    { name: 'the async twin in the same package', file: 'app/services/user.py', text: 'from .async_chat import chat_service\n' },
    { name: 'a commented-out import', file: 'app/api/x.py', text: '# from app.services.chat import chat_service\n' },
    { name: 'a name imported from the package that is not the module', file: 'app/api/x.py', text: 'from app.services import chatter\n' },
    { name: 'a sentence in a string', file: 'app/api/x.py', text: 'MSG = "see app.services.chat docs"\n' },
    { name: 'the same dotted name in another project of the repository', file: 'other/app/x.py', text: 'from services.chat import chat_service\n' },
    { name: 'the module importing itself by name', file: TARGET, text: 'import app.services.chat\n' },
  ];
  for (const c of valid) {
    it(`stays silent: ${c.name}`, () => {
      assert.deepStrictEqual(importers({ [c.file]: c.text }), []);
    });
  }

  it('resolves from a script folder and from a monorepo backend folder, not from inside a package', () => {
    assert.strictEqual(importers({ 'worker/__main__.py': 'import work\n' }, 'worker/work.py', []).length, 1);
    const backend = ['backend/app', 'backend/app/api', 'backend/app/services'];
    assert.strictEqual(importers({ 'backend/app/api/x.py': 'from app.services.chat import y\n' }, 'backend/app/services/chat.py', backend).length, 1);
    // `import litellm` inside a package is the installed library, not the sibling module.
    assert.deepStrictEqual(importers({ 'app/agent/gateway.py': 'from litellm.caching import DualCache\n' }, 'app/agent/litellm.py', ['app', 'app/agent']), []);
    assert.deepStrictEqual(importers({ 'app/api/x.py': 'from services.chat import y\n' }, TARGET, ['app', 'app/api', 'app/services']), []);
  });

  it('does not read a file name in a string as a module path', () => {
    assert.deepStrictEqual(importers({ 'app/report.py': 'OUT = "chat.py"\nSHEET = "app.services.chat.xlsx"\n' }), []);
  });

  it('names a package by its directory', () => {
    assert.strictEqual(modulePathOf('app/services/__init__.py'), 'app/services');
    assert.strictEqual(modulePathOf('app/services/chat.py'), 'app/services/chat');
    assert.strictEqual(importers({ 'app/x.py': 'import app.services\n' }, 'app/services/__init__.py').length, 1);
  });

  it('reports the line of a statement continued over several lines', () => {
    const [ref] = importers({ 'app/x.py': 'import os\n\nfrom app.services.chat import (\n    a,\n    b,\n)\n' });
    assert.strictEqual(ref.line, 3);
  });
});
