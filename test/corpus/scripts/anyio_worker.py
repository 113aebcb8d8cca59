import time

import anyio
from anyio import create_memory_object_stream, create_task_group, to_thread


def crunch(n: int) -> int:
    time.sleep(0.1)  # stand-in for a CPU-heavy library call
    return sum(i * i for i in range(n))


async def producer(send, count: int) -> None:
    async with send:
        for i in range(count):
            await send.send(i * 1000)


async def consumer(name: str, receive) -> None:
    async with receive:
        async for n in receive:
            result = await to_thread.run_sync(crunch, n)
            print(f"{name}: crunch({n}) = {result}")


async def main() -> None:
    send, receive = create_memory_object_stream[int](max_buffer_size=10)
    async with create_task_group() as tg:
        tg.start_soon(producer, send, 20)
        for i in range(3):
            tg.start_soon(consumer, f"worker-{i}", receive.clone())
        await receive.aclose()
    await anyio.sleep(0)


if __name__ == "__main__":
    anyio.run(main)
