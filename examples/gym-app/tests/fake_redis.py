"""In-memory Redis for tests: a sync flavour and a redis.asyncio flavour over one store.

Covers only the commands the app uses (strings, counters, lists, key scans, pipelines),
with `decode_responses=True` semantics: everything comes back as `str`.
"""
import fnmatch
from typing import Any, AsyncIterator, Iterator, Optional


class FakeRedisStore:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.ttl: dict[str, int] = {}

    # --- strings / counters ---
    def get(self, key: str) -> Optional[str]:
        value = self.data.get(key)
        return value if value is None or isinstance(value, str) else None

    def set(self, key: str, value: Any, ex: Optional[int] = None) -> bool:
        self.data[key] = str(value)
        if ex is not None:
            self.ttl[key] = ex
        return True

    def incr(self, key: str, amount: int = 1) -> int:
        value = int(self.data.get(key, 0)) + amount
        self.data[key] = str(value)
        return value

    def expire(self, key: str, seconds: int) -> bool:
        if key not in self.data:
            return False
        self.ttl[key] = seconds
        return True

    def delete(self, *keys: str) -> int:
        removed = 0
        for key in keys:
            if self.data.pop(key, None) is not None:
                removed += 1
            self.ttl.pop(key, None)
        return removed

    # --- lists ---
    def lpush(self, key: str, *values: Any) -> int:
        items = self.data.setdefault(key, [])
        for value in values:
            items.insert(0, str(value))
        return len(items)

    def lrange(self, key: str, start: int, end: int) -> list[str]:
        items = self.data.get(key, [])
        stop = None if end == -1 else end + 1
        return list(items[start:stop])

    def ltrim(self, key: str, start: int, end: int) -> bool:
        if key in self.data:
            self.data[key] = self.lrange(key, start, end)
        return True

    def lindex(self, key: str, index: int) -> Optional[str]:
        items = self.data.get(key, [])
        try:
            return items[index]
        except IndexError:
            return None

    # --- keyspace ---
    def match(self, pattern: str = "*") -> list[str]:
        return sorted(k for k in list(self.data) if fnmatch.fnmatchcase(k, pattern))


_COMMANDS = ("get", "set", "incr", "expire", "delete", "lpush", "lrange", "ltrim", "lindex")


class FakeRedis:
    """Sync client (redis.Redis)."""

    def __init__(self, store: FakeRedisStore) -> None:
        self.store = store
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in _COMMANDS:
            def command(*args: Any, **kwargs: Any) -> Any:
                self.calls.append(name)
                return getattr(self.store, name)(*args, **kwargs)

            return command
        raise AttributeError(name)

    def keys(self, pattern: str = "*") -> list[str]:
        self.calls.append("keys")
        return self.store.match(pattern)

    def scan(self, cursor: int = 0, match: str = "*", count: int = 10) -> tuple[int, list[str]]:
        self.calls.append("scan")
        return 0, self.store.match(match)

    def scan_iter(self, match: str = "*", count: int = 10) -> Iterator[str]:
        self.calls.append("scan_iter")
        return iter(self.store.match(match))

    def pipeline(self, transaction: bool = True) -> "FakePipeline":
        return FakePipeline(self.store)


class FakeAsyncRedis:
    """Async client (redis.asyncio.Redis): every command is a coroutine."""

    def __init__(self, store: FakeRedisStore) -> None:
        self.store = store
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in _COMMANDS:
            async def command(*args: Any, **kwargs: Any) -> Any:
                self.calls.append(name)
                return getattr(self.store, name)(*args, **kwargs)

            return command
        raise AttributeError(name)

    async def keys(self, pattern: str = "*") -> list[str]:
        self.calls.append("keys")
        return self.store.match(pattern)

    async def scan(self, cursor: int = 0, match: str = "*", count: int = 10) -> tuple[int, list[str]]:
        self.calls.append("scan")
        return 0, self.store.match(match)

    async def scan_iter(self, match: str = "*", count: int = 10) -> AsyncIterator[str]:
        self.calls.append("scan_iter")
        for key in self.store.match(match):
            yield key

    def pipeline(self, transaction: bool = True) -> "FakeAsyncPipeline":
        return FakeAsyncPipeline(self.store)


class FakePipeline:
    """Buffers commands; `execute()` runs them in order and returns their results."""

    def __init__(self, store: FakeRedisStore) -> None:
        self.store = store
        self.queued: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        if name in _COMMANDS:
            def queue(*args: Any, **kwargs: Any) -> "FakePipeline":
                self.queued.append((name, args, kwargs))
                return self

            return queue
        raise AttributeError(name)

    def _run(self) -> list[Any]:
        results = [getattr(self.store, name)(*args, **kwargs) for name, args, kwargs in self.queued]
        self.queued = []
        return results

    def execute(self) -> list[Any]:
        return self._run()

    def __enter__(self) -> "FakePipeline":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.queued = []


class FakeAsyncPipeline(FakePipeline):
    async def execute(self) -> list[Any]:  # type: ignore[override]
        return self._run()

    async def __aenter__(self) -> "FakeAsyncPipeline":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.queued = []
