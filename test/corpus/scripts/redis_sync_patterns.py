"""Operational helpers around a sync redis-py client."""
import json
import time
from typing import Iterable

import redis

r = redis.Redis(host="localhost", port=6379, db=0, decode_responses=True)
SETTINGS = {"prefix": "sess:", "ttl": 1800}


def session_keys() -> list[str]:
    return list(r.scan_iter(match=SETTINGS["prefix"] + "*", count=1000))


def debug_dump() -> dict[str, str]:
    # Only ever run against a local dev instance.
    return {k: r.type(k) for k in r.keys()}


def expire_sessions(user_ids: Iterable[int]) -> int:
    pipe = r.pipeline()
    for uid in user_ids:
        pipe.delete(f"{SETTINGS['prefix']}{uid}")
    return sum(pipe.execute())


def hash_fields(name: str) -> list[str]:
    return r.hkeys(name)


def settings_summary() -> str:
    return ", ".join(f"{k}={SETTINGS[k]}" for k in SETTINGS.keys())


def count_by_prefix(prefixes: list[str]) -> dict[str, int]:
    counts = {}
    for p in prefixes:
        counts[p] = len(r.keys(p + "*"))
    return counts


def rate_limited(key: str, limit: int, window: int = 60) -> bool:
    bucket = f"rl:{key}:{int(time.time() // window)}"
    with r.pipeline() as pipe:
        pipe.incr(bucket)
        pipe.expire(bucket, window)
        count, _ = pipe.execute()
    return count > limit


def publish(channel: str, **payload) -> int:
    return r.publish(channel, json.dumps(payload))


def stream_tail(stream: str, last_id: str = "$", block_ms: int = 5000):
    while True:
        resp = r.xread({stream: last_id}, block=block_ms, count=100)
        for _, entries in resp or []:
            for entry_id, fields in entries:
                last_id = entry_id
                yield entry_id, fields
