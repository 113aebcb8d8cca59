from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(slots=True)
class CrawlConfig:
    seeds: list[str]
    max_pages: int = 1_000
    concurrency: int = 16
    per_host: int = 2
    delay: timedelta = timedelta(milliseconds=250)
    user_agent: str = "polite-crawler/0.4 (+https://example.org/bot)"
    allowed_domains: set[str] = field(default_factory=set)
    respect_robots: bool = True
    timeout_s: float = 15.0
    redis_url: str | None = None
    es_url: str | None = None

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be >= 1")
