import logging
import time
from datetime import date, datetime, timedelta
from typing import Iterator

import httpx
import pandas as pd

from pipeline.settings import API_TOKEN

log = logging.getLogger(__name__)
BASE = "https://sales.example.com/api/v3"


def iter_pages(client: httpx.Client, path: str, params: dict) -> Iterator[dict]:
    cursor = None
    while True:
        query = dict(params, cursor=cursor) if cursor else params
        resp = client.get(path, params=query)
        if resp.status_code == 429:
            wait = int(resp.headers.get("Retry-After", "5"))
            log.warning("rate limited, sleeping %ss", wait)
            time.sleep(wait)
            continue
        resp.raise_for_status()
        body = resp.json()
        yield from body["data"]
        cursor = body.get("next_cursor")
        if not cursor:
            break


def fetch_orders(day: date) -> pd.DataFrame:
    start = datetime.combine(day, datetime.min.time())
    end = start + timedelta(days=1)
    with httpx.Client(base_url=BASE, headers={"Authorization": f"Token {API_TOKEN}"}, timeout=30) as client:
        rows = list(iter_pages(client, "/orders", {"from": start.isoformat(), "to": end.isoformat(), "limit": 500}))
    if not rows:
        return pd.DataFrame(columns=["order_id", "customer_id", "amount", "currency", "created_at"])
    df = pd.json_normalize(rows)
    df["created_at"] = pd.to_datetime(df["created_at"], utc=True)
    return df.rename(columns={"id": "order_id", "customer.id": "customer_id"})
