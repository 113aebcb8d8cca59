"""asyncio helpers (not twins of crm.utils: that module has string/iter helpers)."""
import asyncio
import functools
from typing import Awaitable, Callable, Iterable, List, TypeVar

T = TypeVar("T")


def run_in_thread(fn: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """Make a blocking function awaitable by running it in the default executor."""

    @functools.wraps(fn)
    async def wrapper(*args, **kwargs):
        return await asyncio.to_thread(fn, *args, **kwargs)

    return wrapper


async def gather_limited(limit: int, coros: Iterable[Awaitable[T]]) -> List[T]:
    semaphore = asyncio.Semaphore(limit)

    async def guarded(c):
        async with semaphore:
            return await c

    return await asyncio.gather(*(guarded(c) for c in coros))


async def retry_async(fn, *args, attempts=3, delay=0.2, **kwargs):
    for i in range(attempts):
        try:
            return await fn(*args, **kwargs)
        except ConnectionError:
            if i == attempts - 1:
                raise
            await asyncio.sleep(delay * (2**i))
