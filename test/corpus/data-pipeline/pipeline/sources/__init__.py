from .api import fetch_orders, iter_pages
from .csvs import read_daily_exports
from .search import export_events

__all__ = ["fetch_orders", "iter_pages", "read_daily_exports", "export_events"]
