from .frontier import Frontier, MemoryFrontier, RedisFrontier
from .index import SearchIndex
from .pages import PageStore
