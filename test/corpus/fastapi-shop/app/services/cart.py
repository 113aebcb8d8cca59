"""Shopping carts live in Redis hashes: cart:{customer_id} -> {product_id: quantity}."""
import json
import logging

from redis.asyncio import Redis

from app.config import settings

log = logging.getLogger(__name__)


class CartService:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @staticmethod
    def _key(customer_id: int) -> str:
        return f"cart:{customer_id}"

    async def add(self, customer_id: int, product_id: int, quantity: int = 1) -> int:
        key = self._key(customer_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, str(product_id), quantity)
            pipe.expire(key, settings.cart_ttl_seconds)
            new_qty, _ = await pipe.execute()
        return int(new_qty)

    async def remove(self, customer_id: int, product_id: int) -> None:
        await self.redis.hdel(self._key(customer_id), str(product_id))

    async def items(self, customer_id: int) -> dict[int, int]:
        raw = await self.redis.hgetall(self._key(customer_id))
        return {int(k): int(v) for k, v in raw.items()}

    async def clear(self, customer_id: int) -> None:
        await self.redis.delete(self._key(customer_id))

    async def save_for_later(self, customer_id: int, snapshot: dict) -> None:
        await self.redis.set(f"cart:saved:{customer_id}", json.dumps(snapshot), ex=30 * 24 * 3600)

    async def abandoned_carts(self) -> list[int]:
        keys = await self.redis.keys("cart:*")
        ids = []
        for key in keys:
            suffix = key.decode().split(":", 1)[1]
            if suffix.isdigit():
                ids.append(int(suffix))
        log.info("found %d carts", len(ids))
        return ids
