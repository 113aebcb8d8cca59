"""A polite asyncio web crawler."""
from .config import CrawlConfig
from .engine import Crawler

__all__ = ["CrawlConfig", "Crawler"]
