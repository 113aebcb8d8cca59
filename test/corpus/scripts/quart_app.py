import asyncio

from quart import Quart, jsonify, request, websocket

app = Quart(__name__)
clients: set = set()


@app.get("/")
async def index():
    return jsonify(status="ok", clients=len(clients))


@app.post("/broadcast")
async def broadcast():
    data = await request.get_json()
    for queue in clients:
        await queue.put(data["message"])
    return jsonify(sent=len(clients))


@app.get("/version")
def version():
    return {"version": "1.2.0"}


@app.websocket("/ws")
async def ws():
    queue: asyncio.Queue = asyncio.Queue()
    clients.add(queue)
    try:
        while True:
            await websocket.send(await queue.get())
    finally:
        clients.discard(queue)


if __name__ == "__main__":
    app.run()
