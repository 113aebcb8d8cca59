import platform
import time

from fastapi import APIRouter, Request
from sqlalchemy import text

from app import __version__
from app.db.session import engine

router = APIRouter(tags=["ops"])
STARTED = time.time()


@router.get("/healthz")
def healthz():
    return {"status": "ok", "version": __version__, "uptime": round(time.time() - STARTED, 1)}


@router.get("/readyz")
async def readyz(request: Request):
    checks = {}
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["db"] = "ok"
    except Exception as exc:  # report, don't crash the probe
        checks["db"] = f"error: {exc.__class__.__name__}"
    try:
        pong = await request.app.state.redis.ping()
        checks["redis"] = "ok" if pong else "no pong"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in checks.values())
    return {"ready": ok, "checks": checks, "python": platform.python_version()}
