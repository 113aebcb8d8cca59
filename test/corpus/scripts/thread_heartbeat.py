import asyncio
import logging
import threading
import time

import redis

log = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Writes a heartbeat key from a background thread while the asyncio app runs."""

    def __init__(self, client: redis.Redis, key: str, every: float = 5.0) -> None:
        super().__init__(daemon=True, name="heartbeat")
        self.client = client
        self.key = key
        self.every = every
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self.client.set(self.key, int(time.time()), ex=int(self.every * 3))
            except redis.RedisError:
                log.warning("heartbeat failed", exc_info=True)
            time.sleep(self.every)

    def stop(self) -> None:
        self._stop.set()


async def serve_forever(hb: Heartbeat) -> None:
    hb.start()
    try:
        while True:
            await asyncio.sleep(1)
    finally:
        hb.stop()

        def wait_for_thread():
            hb.join(timeout=2)
            time.sleep(0.01)

        await asyncio.get_running_loop().run_in_executor(None, wait_for_thread)


if __name__ == "__main__":
    asyncio.run(serve_forever(Heartbeat(redis.Redis(), "svc:alive")))
