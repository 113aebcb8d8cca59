from .base import Base
from .session import async_session_factory, engine, get_session

__all__ = ["Base", "engine", "async_session_factory", "get_session"]
