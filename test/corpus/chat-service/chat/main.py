from contextlib import asynccontextmanager

from fastapi import FastAPI

from chat.api import rooms, ws
from chat.rooms.hub import Hub
from chat.store.db import engine
from chat.store.redis import ChatStore


@asynccontextmanager
async def lifespan(app: FastAPI):
    store = ChatStore.connect()
    app.state.store = store
    app.state.hub = Hub(store)
    try:
        yield
    finally:
        await app.state.hub.shutdown()
        await store.close()
        await engine.dispose()


app = FastAPI(lifespan=lifespan, title="chat")
app.include_router(rooms.router)
app.include_router(ws.router)


@app.get("/health")
async def health():
    return {"ok": True, "rooms": await app.state.store.rooms()}
