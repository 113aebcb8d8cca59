import asyncio
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

log = logging.getLogger(__name__)
router = APIRouter()


class StockFeed:
    """Fans out stock updates published on the `stock` channel to connected sockets."""

    def __init__(self) -> None:
        self.sockets: set[WebSocket] = set()

    async def connect(self, ws: WebSocket) -> None:
        await ws.accept()
        self.sockets.add(ws)

    def disconnect(self, ws: WebSocket) -> None:
        self.sockets.discard(ws)

    async def broadcast(self, message: dict) -> None:
        dead = []
        for ws in self.sockets:
            try:
                await ws.send_json(message)
            except RuntimeError:
                dead.append(ws)
        for ws in dead:
            self.disconnect(ws)


feed = StockFeed()


async def relay_stock_updates(redis) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe("stock")
    try:
        async for message in pubsub.listen():
            if message["type"] != "message":
                continue
            await feed.broadcast(json.loads(message["data"]))
    except asyncio.CancelledError:
        await pubsub.unsubscribe("stock")
        await pubsub.aclose()
        raise


@router.websocket("/ws/stock")
async def stock_socket(websocket: WebSocket):
    await feed.connect(websocket)
    try:
        while True:
            text = await websocket.receive_text()
            if text == "ping":
                await websocket.send_text("pong")
    except WebSocketDisconnect:
        feed.disconnect(websocket)
