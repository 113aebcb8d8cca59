import asyncio
import contextlib
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api import api_router
from app.api.routes import health
from app.api.routes.ws import relay_stock_updates
from app.config import settings
from app.core import cache
from app.core.logging import setup_logging
from app.db.session import engine


@asynccontextmanager
async def lifespan(app: FastAPI):
    setup_logging(settings.debug)
    app.state.redis = aioredis.from_url(str(settings.redis_url), decode_responses=False)
    cache.configure(app.state.redis)
    relay = asyncio.create_task(relay_stock_updates(app.state.redis))
    yield
    relay.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await relay
    await app.state.redis.aclose()
    await engine.dispose()


app = FastAPI(title="Shop API", lifespan=lifespan)
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
app.include_router(health.router)
app.include_router(api_router)
