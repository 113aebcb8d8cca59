from sanic import Sanic
from sanic.response import json as json_response

import redis.asyncio as redis

app = Sanic("counter")


@app.before_server_start
async def setup(app, _):
    app.ctx.redis = redis.from_url("redis://localhost")


@app.after_server_stop
async def teardown(app, _):
    await app.ctx.redis.aclose()


@app.get("/hit/<page:str>")
async def hit(request, page: str):
    count = await request.app.ctx.redis.incr(f"hits:{page}")
    return json_response({"page": page, "hits": count})


@app.get("/top")
async def top(request):
    r = request.app.ctx.redis
    keys = await r.keys("hits:*")
    values = await r.mget(keys) if keys else []
    ranking = sorted(zip(keys, map(int, values)), key=lambda kv: -kv[1])[:10]
    return json_response([{"page": k.decode().split(":", 1)[1], "hits": v} for k, v in ranking])


@app.get("/ping")
def ping(request):
    return json_response({"pong": True})
