"""Pull click events out of Elasticsearch with the scroll/point-in-time API."""
from datetime import datetime
from typing import Iterator

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from pipeline.settings import ES_HOSTS

es = Elasticsearch(ES_HOSTS, request_timeout=60, retry_on_timeout=True)


def export_events(since: datetime, until: datetime, event_type: str = "click") -> Iterator[dict]:
    query = {
        "bool": {
            "filter": [
                {"term": {"type": event_type}},
                {"range": {"@timestamp": {"gte": since.isoformat(), "lt": until.isoformat()}}},
            ]
        }
    }
    for hit in scan(es, index="events-*", query={"query": query}, size=2000, preserve_order=False):
        yield hit["_source"]


def top_pages(since: datetime, size: int = 20) -> list[tuple[str, int]]:
    resp = es.search(
        index="events-*",
        size=0,
        query={"range": {"@timestamp": {"gte": since.isoformat()}}},
        aggs={"pages": {"terms": {"field": "page.keyword", "size": size}}},
    )
    return [(b["key"], b["doc_count"]) for b in resp["aggregations"]["pages"]["buckets"]]


def delete_test_events() -> int:
    resp = es.delete_by_query(index="events-*", query={"term": {"test": True}}, conflicts="proceed")
    return resp["deleted"]
