"""A tiny echo bot that connects like a user (websockets client)."""
import asyncio
import json
import random

import websockets


async def run_bot(url: str, name: str = "echobot") -> None:
    backoff = 1.0
    while True:
        try:
            async with websockets.connect(url) as ws:
                backoff = 1.0
                async for raw in ws:
                    env = json.loads(raw)
                    text = env.get("body", {}).get("text", "")
                    if env.get("kind") == "message" and text.startswith("!echo "):
                        await ws.send(f"/me says {text[6:]}")
        except (OSError, websockets.ConnectionClosed):
            await asyncio.sleep(backoff + random.random())
            backoff = min(backoff * 2, 30)


if __name__ == "__main__":
    asyncio.run(run_bot("ws://localhost:8000/ws/lobby?user=0"))
