// The one set of twin naming rules: module, instance, class and method level, configurable.
import * as assert from 'assert';
import { twinHolderCandidates, twinMethodNames } from '../../server/src/analysis/twin-names';
import { buildIndex, makeConfig } from './helpers';

describe('twin naming rules', () => {
  it('holders: the twin module first, then the same module; a function keeps its name in the twin module', async () => {
    const index = await buildIndex({ 'app/services/user.py': 'user_service = object()\n', 'app/services/async_user.py': '' });
    assert.deepStrictEqual(twinHolderCandidates(index, 'app.services.user', 'user_service', 'instance'), [
      { module: 'app.services.async_user', name: 'async_user_service' },
      { module: 'app.services.async_user', name: 'user_service_async' },
      { module: 'app.services.async_user', name: 'AsyncUser_service' },
      { module: 'app.services.user', name: 'async_user_service' },
      { module: 'app.services.user', name: 'user_service_async' },
      { module: 'app.services.user', name: 'AsyncUser_service' },
    ]);
    assert.deepStrictEqual(twinHolderCandidates(index, 'app.services.user', 'get', 'function').slice(0, 2), [
      { module: 'app.services.async_user', name: 'get' },
      { module: 'app.services.async_user', name: 'async_get' },
    ]);
  });

  it('methods: get_user_async, aget_user, async_get_user by default; configurable', async () => {
    const index = await buildIndex({});
    assert.deepStrictEqual(twinMethodNames(index, 'get_user'), ['get_user_async', 'aget_user', 'async_get_user']);
    const custom = await buildIndex({}, makeConfig({ twins: { 'method-patterns': ['{name}_coro'] } }));
    assert.deepStrictEqual(twinMethodNames(custom, 'get_user'), ['get_user_coro']);
  });
});
