class WeatherKitError(Exception):
    """Base class for every error raised by weatherkit."""


class APIError(WeatherKitError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class NotFound(APIError):
    pass


class RateLimited(APIError):
    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(status, message)
        self.retry_after = retry_after
