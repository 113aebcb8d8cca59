"""Small aiohttp service that keeps its data in SQLite via aiosqlite."""
import json
import sqlite3

import aiosqlite
from aiohttp import web

DB_PATH = "links.db"


async def init_db(app: web.Application) -> None:
    app["db"] = await aiosqlite.connect(DB_PATH)
    app["db"].row_factory = sqlite3.Row
    await app["db"].execute("CREATE TABLE IF NOT EXISTS links (slug TEXT PRIMARY KEY, url TEXT NOT NULL, hits INTEGER DEFAULT 0)")
    await app["db"].commit()


async def close_db(app: web.Application) -> None:
    await app["db"].close()


async def resolve(request: web.Request) -> web.Response:
    db: aiosqlite.Connection = request.app["db"]
    slug = request.match_info["slug"]
    async with db.execute("SELECT url FROM links WHERE slug = ?", (slug,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise web.HTTPNotFound()
    await db.execute("UPDATE links SET hits = hits + 1 WHERE slug = ?", (slug,))
    await db.commit()
    raise web.HTTPFound(row["url"])


async def create(request: web.Request) -> web.Response:
    data = await request.json()
    db = request.app["db"]
    try:
        await db.execute("INSERT INTO links (slug, url) VALUES (?, ?)", (data["slug"], data["url"]))
        await db.commit()
    except sqlite3.IntegrityError:
        return web.json_response({"error": "slug taken"}, status=409)
    return web.json_response({"slug": data["slug"]}, status=201)


async def stats(request: web.Request) -> web.Response:
    conn = sqlite3.connect(DB_PATH)
    rows = conn.execute("SELECT slug, hits FROM links ORDER BY hits DESC LIMIT 10").fetchall()
    conn.close()
    return web.Response(text=json.dumps(rows), content_type="application/json")


def make_app() -> web.Application:
    app = web.Application()
    app.on_startup.append(init_db)
    app.on_cleanup.append(close_db)
    app.add_routes([web.get("/stats", stats), web.get("/{slug}", resolve), web.post("/", create)])
    return app


if __name__ == "__main__":
    web.run_app(make_app(), port=8082)
