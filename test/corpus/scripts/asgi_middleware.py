import time
import uuid

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp, header: str = "x-request-id") -> None:
        self.app = app
        self.header = header.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = dict(scope["headers"]).get(self.header) or uuid.uuid4().hex.encode()
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((self.header, request_id))
                headers.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)


async def homepage(request: Request) -> JSONResponse:
    return JSONResponse({"hello": "world", "path": request.url.path})


async def echo(request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse({"you_sent": body, "keys": sorted(body.keys()) if isinstance(body, dict) else []})


def robots(request: Request) -> PlainTextResponse:
    return PlainTextResponse("User-agent: *\nDisallow: /\n")


app = Starlette(
    routes=[Route("/", homepage), Route("/echo", echo, methods=["POST"]), Route("/robots.txt", robots)],
    middleware=[Middleware(RequestIdMiddleware)],
)
