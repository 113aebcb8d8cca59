from .clean import dedupe_orders, normalise_currency
from .features import rfm_table, rolling_revenue

__all__ = ["dedupe_orders", "normalise_currency", "rfm_table", "rolling_revenue"]
