from elasticsearch import Elasticsearch
from fastapi import APIRouter, Query

router = APIRouter(prefix="/search", tags=["search"])
es = Elasticsearch("http://elasticsearch:9200", request_timeout=5)


def _query(text: str) -> dict:
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": text, "fields": ["first_name^2", "last_name^3", "email", "company"]}},
                {"prefix": {"email": {"value": text.lower()}}},
            ]
        }
    }


@router.get("/contacts")
def search_contacts(q: str = Query(..., min_length=2), size: int = 20):
    resp = es.search(index="contacts", query=_query(q), size=size, source=["id", "first_name", "last_name", "email"])
    return [hit["_source"] for hit in resp["hits"]["hits"]]


@router.get("/suggest")
def suggest(prefix: str):
    body = {"suggest": {"names": {"prefix": prefix, "completion": {"field": "name_suggest", "size": 8}}}}
    resp = es.search(index="contacts", body=body)
    return [o["text"] for o in resp["suggest"]["names"][0]["options"]]
