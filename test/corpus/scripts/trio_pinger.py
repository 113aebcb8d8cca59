import sys

import trio


async def ping(host: str, port: int, results: dict) -> None:
    start = trio.current_time()
    try:
        with trio.fail_after(3):
            stream = await trio.open_tcp_stream(host, port)
            await stream.aclose()
        results[host] = round((trio.current_time() - start) * 1000, 1)
    except (OSError, trio.TooSlowError):
        results[host] = None


async def main(hosts: list[str]) -> None:
    results: dict[str, float | None] = {}
    async with trio.open_nursery() as nursery:
        for h in hosts:
            nursery.start_soon(ping, h, 443, results)
    for host, ms in sorted(results.items()):
        print(f"{host:30} {'timeout' if ms is None else f'{ms} ms'}")
    await trio.sleep(0)


if __name__ == "__main__":
    trio.run(main, sys.argv[1:] or ["example.com", "python.org"])
