import os

from redis import Redis

r = Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost"))


def cache_user(user_id: int, data: dict) -> None:
<<<<<<< HEAD
    r.hset(f"user:{user_id}", mapping=data)
    r.expire(f"user:{user_id}", 3600)
=======
    r.hset(f"user:{user_id}", mapping={k: str(v) for k, v in data.items()})
    r.expire(f"user:{user_id}", 7200)
    for key in r.keys(f"user:{user_id}:*"):
        r.delete(key)
>>>>>>> feature/longer-ttl


def get_user(user_id: int) -> dict:
    return {k.decode(): v.decode() for k, v in r.hgetall(f"user:{user_id}").items()}
