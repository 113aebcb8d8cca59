"""Scrape the public price list (sync; run from cron)."""
import json
import random
import time
from typing import Iterator

import requests
from bs4 import BeautifulSoup

BASE = "https://shop.example.org"
HEADERS = {"User-Agent": "Mozilla/5.0 (price-watch)"}


def pages(session: requests.Session, category: str) -> Iterator[BeautifulSoup]:
    url = f"{BASE}/c/{category}"
    while url:
        resp = session.get(url, timeout=20)
        resp.raise_for_status()
        soup = BeautifulSoup(resp.text, "html.parser")
        yield soup
        nxt = soup.select_one("a.next")
        url = BASE + nxt["href"] if nxt else None
        time.sleep(random.uniform(1.0, 2.5))


def scrape(category: str) -> list[dict]:
    session = requests.Session()
    session.headers.update(HEADERS)
    items = []
    for soup in pages(session, category):
        for card in soup.select("div.product"):
            items.append(
                {
                    "name": card.select_one("h3").get_text(strip=True),
                    "price": float(card.select_one(".price").get_text(strip=True).lstrip("€").replace(",", ".")),
                }
            )
    session.close()
    return items


if __name__ == "__main__":
    data = {cat: scrape(cat) for cat in ("coffee", "tea")}
    print(json.dumps(data, indent=2, ensure_ascii=False))
