import json
import pickle
import time

import pandas as pd
import redis

from pipeline.settings import REDIS_URL

r = redis.from_url(REDIS_URL)


def put_frame(key: str, df: pd.DataFrame, ttl: int = 3600) -> None:
    r.setex(f"frame:{key}", ttl, pickle.dumps(df, protocol=pickle.HIGHEST_PROTOCOL))


def get_frame(key: str) -> pd.DataFrame | None:
    raw = r.get(f"frame:{key}")
    return pickle.loads(raw) if raw else None


def publish_done(job: str, **meta) -> None:
    r.publish("pipeline:done", json.dumps({"job": job, "at": time.time(), **meta}))


def list_frames() -> list[str]:
    return sorted(k.decode().removeprefix("frame:") for k in r.scan_iter("frame:*", count=1000))


def purge_frames() -> int:
    keys = r.keys("frame:*")
    return r.delete(*keys) if keys else 0


class Lock:
    def __init__(self, name: str, timeout: int = 600):
        self._lock = r.lock(f"lock:{name}", timeout=timeout, blocking_timeout=5)

    def __enter__(self):
        if not self._lock.acquire():
            raise RuntimeError("another run holds the lock")
        return self

    def __exit__(self, *exc):
        self._lock.release()
