from gevent import monkey

monkey.patch_all()

import logging  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from gevent.pool import Pool  # noqa: E402

log = logging.getLogger("poller")
ENDPOINTS = {"api": "https://api.internal/health", "auth": "https://auth.internal/health", "search": "https://search.internal/_cluster/health"}


def check(name: str, url: str) -> tuple[str, bool, float]:
    t0 = time.time()
    try:
        ok = requests.get(url, timeout=2).ok
    except requests.RequestException:
        ok = False
    return name, ok, time.time() - t0


def loop(interval: float = 10.0) -> None:
    pool = Pool(10)
    while True:
        jobs = [pool.spawn(check, name, url) for name, url in ENDPOINTS.items()]
        gevent.joinall(jobs, timeout=5)
        for job in jobs:
            if job.value:
                name, ok, elapsed = job.value
                log.log(logging.INFO if ok else logging.ERROR, "%s ok=%s %.0fms", name, ok, elapsed * 1000)
        time.sleep(interval)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    loop()
