"""A logging proxy around any service object, and a registry of services."""
import functools
import inspect
import logging
import time

log = logging.getLogger("proxy")


class Timed:
    """Wraps every method call of `target`, sync or async, and logs how long it took."""

    def __init__(self, target, name: str | None = None) -> None:
        self._target = target
        self._name = name or type(target).__name__

    def __getattr__(self, attr):
        value = getattr(self._target, attr)
        if not callable(value):
            return value
        if inspect.iscoroutinefunction(value):

            @functools.wraps(value)
            async def timed_async(*args, **kwargs):
                t0 = time.perf_counter()
                try:
                    return await value(*args, **kwargs)
                finally:
                    log.info("%s.%s took %.1fms", self._name, attr, (time.perf_counter() - t0) * 1000)

            return timed_async

        @functools.wraps(value)
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                log.info("%s.%s took %.1fms", self._name, attr, (time.perf_counter() - t0) * 1000)

        return timed


class UserDirectory:
    def __init__(self) -> None:
        self._users = {1: "ada", 2: "grace"}

    def name_of(self, uid: int) -> str | None:
        return self._users.get(uid)

    async def fetch_remote(self, uid: int) -> dict:
        return {"id": uid, "name": self._users.get(uid)}


directory = Timed(UserDirectory(), "directory")


async def describe(uid: int) -> str:
    remote = await directory.fetch_remote(uid)
    local = directory.name_of(uid)
    return f"{local} / {remote['name']}"
