import unittest
from unittest import mock

from crm.services.activity_async import AsyncActivityService
from crm.services.async_contact import AsyncContactService


class FakeScalars:
    def __init__(self, items):
        self._items = items

    def all(self):
        return self._items


class AsyncContactServiceTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.db = mock.AsyncMock()
        self.db.add = mock.Mock()
        self.service = AsyncContactService()

    async def test_count_uses_cache(self):
        with mock.patch("crm.services.async_contact.async_redis") as r:
            r.get = mock.AsyncMock(return_value="7")
            self.assertEqual(await self.service.count_for_owner(self.db, 1), 7)
            self.db.scalar.assert_not_called()

    async def test_count_misses_cache(self):
        with mock.patch("crm.services.async_contact.async_redis") as r:
            r.get = mock.AsyncMock(return_value=None)
            r.setex = mock.AsyncMock()
            self.db.scalar.return_value = 3
            self.assertEqual(await self.service.count_for_owner(self.db, 1), 3)
            r.setex.assert_awaited_once()

    async def test_list_returns_list(self):
        self.db.scalars.return_value = FakeScalars(["a", "b"])
        self.assertEqual(await self.service.list(self.db, owner_id=1), ["a", "b"])


class ActivityTests(unittest.IsolatedAsyncioTestCase):
    async def test_log_commits(self):
        db = mock.AsyncMock()
        db.add = mock.Mock()
        activity = await AsyncActivityService().log(db, 1, "call", "intro call")
        db.add.assert_called_once_with(activity)
        db.commit.assert_awaited()


if __name__ == "__main__":
    unittest.main()
