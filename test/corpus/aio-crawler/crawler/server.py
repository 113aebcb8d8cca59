"""Small aiohttp API over the crawl results: /search?q=..., /stats, /ws/progress."""
import asyncio
import json

from aiohttp import WSMsgType, web

from .storage import PageStore, RedisFrontier, SearchIndex

routes = web.RouteTableDef()


@routes.get("/search")
async def search(request: web.Request) -> web.Response:
    q = request.query.get("q", "").strip()
    if not q:
        raise web.HTTPBadRequest(text="missing q")
    index: SearchIndex = request.app["index"]
    return web.json_response(await index.search(q, size=int(request.query.get("size", 10))))


@routes.get("/stats")
async def stats(request: web.Request) -> web.Response:
    pages: PageStore = request.app["pages"]
    frontier: RedisFrontier = request.app["frontier"]
    counts, frontier_stats = await asyncio.gather(pages.count(), frontier.stats())
    return web.json_response({"pages": counts, **frontier_stats})


@routes.get("/ws/progress")
async def progress(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    frontier: RedisFrontier = request.app["frontier"]

    async def pump():
        while not ws.closed:
            await ws.send_str(json.dumps(await frontier.stats()))
            await asyncio.sleep(2)

    pump_task = asyncio.create_task(pump())
    try:
        async for msg in ws:
            if msg.type == WSMsgType.TEXT and msg.data == "close":
                await ws.close()
            elif msg.type == WSMsgType.ERROR:
                break
    finally:
        pump_task.cancel()
    return ws


async def on_startup(app: web.Application) -> None:
    app["pages"] = PageStore(app["config"]["db"])
    await app["pages"].open()
    app["index"] = SearchIndex(app["config"]["es"])
    app["frontier"] = RedisFrontier.from_url(app["config"]["redis"])


async def on_cleanup(app: web.Application) -> None:
    await app["pages"].close()
    await app["index"].close()
    await app["frontier"].r.aclose()


def make_app(config: dict) -> web.Application:
    app = web.Application()
    app["config"] = config
    app.add_routes(routes)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


if __name__ == "__main__":
    web.run_app(make_app({"db": "crawl.db", "es": "http://localhost:9200", "redis": "redis://localhost"}), port=8081)
