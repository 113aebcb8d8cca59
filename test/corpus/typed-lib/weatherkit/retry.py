"""@retry works on both plain and async functions (like tenacity, but tiny)."""
from __future__ import annotations

import asyncio
import functools
import inspect
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import RateLimited

F = TypeVar("F", bound=Callable[..., Any])


def _delay(attempt: int, base: float, exc: BaseException) -> float:
    if isinstance(exc, RateLimited) and exc.retry_after:
        return exc.retry_after
    return base * 2**attempt + random.uniform(0, base)


def retry(attempts: int = 3, base: float = 0.5, on: tuple[type[BaseException], ...] = (RateLimited, ConnectionError)) -> Callable[[F], F]:
    def decorate(fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                for attempt in range(attempts):
                    try:
                        return await fn(*args, **kwargs)
                    except on as exc:
                        if attempt == attempts - 1:
                            raise
                        await asyncio.sleep(_delay(attempt, base, exc))

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except on as exc:
                    if attempt == attempts - 1:
                        raise
                    time.sleep(_delay(attempt, base, exc))

        return sync_wrapper  # type: ignore[return-value]

    return decorate
