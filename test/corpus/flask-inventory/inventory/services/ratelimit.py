import functools
import time

from flask import abort, request

from ..extensions import redis_store


def rate_limit(limit: int, per: int = 60):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            key = f"rl:{request.endpoint}:{request.remote_addr}:{int(time.time() // per)}"
            pipe = redis_store.pipeline()
            pipe.incr(key)
            pipe.expire(key, per + 1)
            count, _ = pipe.execute()
            if count > limit:
                abort(429)
            return view(*args, **kwargs)

        return wrapped

    return decorator
