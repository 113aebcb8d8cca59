from __future__ import annotations

import os
from typing import Any, Mapping

from .errors import APIError, NotFound, RateLimited

DEFAULT_BASE_URL = "https://api.weather.example/v3"
USER_AGENT = "weatherkit-python"


class BaseClient:
    def __init__(self, api_key: str | None = None, base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0) -> None:
        self.api_key = api_key or os.environ.get("WEATHERKIT_API_KEY")
        if not self.api_key:
            raise ValueError("api_key is required (or set WEATHERKIT_API_KEY)")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _headers(self) -> dict[str, str]:
        return {"X-Api-Key": self.api_key or "", "User-Agent": USER_AGENT}

    @staticmethod
    def _raise_for(status: int, body: Mapping[str, Any], headers: Mapping[str, str]) -> None:
        if status < 400:
            return
        message = str(body.get("message", "unknown error"))
        if status == 404:
            raise NotFound(status, message)
        if status == 429:
            retry = headers.get("retry-after")
            raise RateLimited(status, message, float(retry) if retry else None)
        raise APIError(status, message)
