import pytest

from app.services.cart import CartService


@pytest.mark.asyncio
async def test_add_twice_accumulates(redis):
    cart = CartService(redis)
    await cart.add(1, 10)
    qty = await cart.add(1, 10, 2)
    assert qty == 3
    assert await cart.items(1) == {10: 3}


@pytest.mark.asyncio
async def test_ttl_is_set(redis):
    await CartService(redis).add(7, 1)
    ttl = await redis.ttl("cart:7")
    assert 0 < ttl <= 7 * 24 * 3600


@pytest.mark.asyncio
async def test_clear(redis):
    cart = CartService(redis)
    await cart.add(2, 5)
    await cart.clear(2)
    assert await cart.items(2) == {}
    assert not await redis.exists("cart:2")
