from .fetch import Fetcher, FetchResult
from .ratelimit import HostLimiter
from .robots import RobotsCache
