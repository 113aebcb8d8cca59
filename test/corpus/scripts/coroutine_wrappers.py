"""Thin sync wrappers that hand back coroutines (the caller awaits)."""
import asyncio
import random


async def _fetch_price(symbol: str) -> float:
    await asyncio.sleep(random.random() / 10)
    return round(random.uniform(10, 500), 2)


def price_of(symbol: str):
    """Returns an awaitable; kept sync so it can be used as a callback factory."""
    return _fetch_price(symbol.upper())


def prices_of(symbols: list[str]):
    return asyncio.gather(*(price_of(s) for s in symbols))


def delayed(seconds: float, value):
    loop = asyncio.get_event_loop()
    fut = loop.create_future()
    loop.call_later(seconds, fut.set_result, value)
    return fut


async def main() -> None:
    one = await price_of("aapl")
    many = await prices_of(["msft", "goog"])
    later = await delayed(0.01, "done")
    print(one, many, later)


if __name__ == "__main__":
    asyncio.run(main())
