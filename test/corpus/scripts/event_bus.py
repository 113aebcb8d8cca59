import asyncio
import inspect
import logging
from collections import defaultdict
from typing import Any, Awaitable, Callable, Union

log = logging.getLogger(__name__)
Handler = Callable[[dict], Union[None, Awaitable[None]]]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def on(self, event: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self._handlers[event].append(fn)
            return fn

        return register

    async def emit(self, event: str, payload: dict) -> int:
        called = 0
        for handler in list(self._handlers[event]):
            try:
                result = handler(payload)
                if inspect.isawaitable(result):
                    await result
                called += 1
            except Exception:
                log.exception("handler %s failed for %s", getattr(handler, "__name__", handler), event)
        return called


bus = EventBus()


@bus.on("user.created")
async def send_welcome(payload: dict) -> None:
    await asyncio.sleep(0)
    log.info("welcome %s", payload["email"])


@bus.on("user.created")
def count_signup(payload: dict) -> None:
    log.info("signup counted")


async def demo() -> None:
    n = await bus.emit("user.created", {"email": "a@b.c"})
    handlers: list[Any] = [send_welcome, count_signup]
    log.info("%d handlers ran (%d registered)", n, len(handlers))
    pending = send_welcome({"email": "direct@b.c"})
    await asyncio.wait_for(pending, timeout=1)
