import re
import unicodedata
from itertools import islice
from typing import Iterable, Iterator, List, TypeVar

T = TypeVar("T")

_slug_strip = re.compile(r"[^\w\s-]")
_slug_hyphenate = re.compile(r"[-\s]+")


def slugify(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _slug_strip.sub("", value).strip().lower()
    return _slug_hyphenate.sub("-", value)


def chunked(iterable: Iterable[T], size: int) -> Iterator[List[T]]:
    it = iter(iterable)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def normalize_email(email: str) -> str:
    local, _, domain = email.strip().partition("@")
    return f"{local}@{domain.lower()}"


def paginate(query, page: int = 1, per_page: int = 25):
    total = query.count()
    items = query.offset((page - 1) * per_page).limit(per_page).all()
    return {"items": items, "total": total, "page": page, "pages": (total + per_page - 1) // per_page}
