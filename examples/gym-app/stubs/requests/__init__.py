"""Offline stub of `requests` (only what the gym app calls). Never opens a socket."""
from typing import Any, Optional


class Response:
    def __init__(self, status_code: int = 200, payload: Optional[dict[str, Any]] = None) -> None:
        self.status_code = status_code
        self._payload = payload or {}

    def json(self) -> dict[str, Any]:
        return self._payload


def post(url: str, **kwargs: Any) -> Response:
    return Response(200, {"access_token": "stub-auth0-token", "token_type": "Bearer", "expires_in": 86400})


def get(url: str, **kwargs: Any) -> Response:
    return Response(200, {"sub": "auth0|stub", "email_verified": True})
