"""Plugin registry via __init_subclass__ and a metaclass for singletons."""
from __future__ import annotations

import asyncio
from typing import ClassVar


class Singleton(type):
    _instances: ClassVar[dict[type, object]] = {}

    def __call__(cls, *args, **kwargs):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__(*args, **kwargs)
        return cls._instances[cls]


class Exporter:
    registry: ClassVar[dict[str, type[Exporter]]] = {}
    fmt: ClassVar[str]

    def __init_subclass__(cls, fmt: str | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if fmt:
            cls.fmt = fmt
            Exporter.registry[fmt] = cls

    async def export(self, rows: list[dict]) -> bytes:
        raise NotImplementedError

    @classmethod
    def for_format(cls, fmt: str) -> Exporter:
        try:
            return cls.registry[fmt]()
        except KeyError:
            raise ValueError(f"unknown format {fmt!r}; known: {', '.join(cls.registry.keys())}") from None


class CsvExporter(Exporter, fmt="csv"):
    async def export(self, rows: list[dict]) -> bytes:
        import csv
        import io

        buf = io.StringIO()
        if rows:
            w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        return buf.getvalue().encode()


class JsonExporter(Exporter, fmt="json"):
    async def export(self, rows: list[dict]) -> bytes:
        import json

        await asyncio.sleep(0)
        return json.dumps(rows).encode()


class Settings(metaclass=Singleton):
    def __init__(self) -> None:
        self.values: dict[str, str] = {}


async def export_all(rows: list[dict]) -> dict[str, bytes]:
    exporters = [Exporter.for_format(f) for f in Exporter.registry]
    results = await asyncio.gather(*(e.export(rows) for e in exporters))
    return dict(zip(Exporter.registry, results))
