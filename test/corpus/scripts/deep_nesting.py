"""Config-driven rule evaluation: deliberately layered closures (plugin system)."""
import asyncio
import functools
import operator
from typing import Any, Callable

OPS = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "lt": operator.lt, "in": lambda a, b: a in b}


def compile_rules(spec: dict) -> Callable[[dict], bool]:
    def compile_node(node: dict) -> Callable[[dict], bool]:
        if "all" in node:
            parts = [compile_node(n) for n in node["all"]]

            def all_of(record: dict) -> bool:
                return all(p(record) for p in parts)

            return all_of
        if "any" in node:
            parts = [compile_node(n) for n in node["any"]]

            def any_of(record: dict) -> bool:
                for p in parts:
                    if p(record):
                        return True
                return False

            return any_of
        if "not" in node:
            inner = compile_node(node["not"])
            return lambda record: not inner(record)
        field, op, value = node["field"], node["op"], node["value"]
        fn = OPS[op]

        def leaf(record: dict) -> bool:
            current: Any = record
            for part in field.split("."):
                if isinstance(current, dict):
                    current = current.get(part)
                else:
                    current = getattr(current, part, None)
                if current is None:
                    return False
            try:
                return bool(fn(current, value))
            except TypeError:
                return False

        return leaf

    return compile_node(spec)


def make_async_pipeline(*stages: Callable) -> Callable:
    async def run(item):
        for stage in stages:
            result = stage(item)
            if asyncio.iscoroutine(result):
                result = await result
            if result is None:
                return None
            item = result
        return item

    return run


class Engine:
    def __init__(self, rules: dict) -> None:
        self.rules = rules
        self._compiled = {name: compile_rules(spec) for name, spec in rules.items()}

    def matching(self, record: dict) -> list[str]:
        return [name for name, test in self._compiled.items() if test(record)]

    def batch(self, records: list[dict]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {name: [] for name in self._compiled}
        for i, record in enumerate(records):
            for name in self.matching(record):
                out[name].append(i)
        return out

    async def abatch(self, records: list[dict], enrich: Callable) -> dict[str, int]:
        async def one(record):
            async def enriched():
                data = await enrich(record)
                return {**record, **data}

            full = await enriched()
            return self.matching(full)

        results = await asyncio.gather(*(one(r) for r in records))
        counts: dict[str, int] = {}
        for names in results:
            for n in names:
                counts[n] = counts.get(n, 0) + 1
        return counts


@functools.lru_cache(maxsize=64)
def cached_engine(key: str) -> Engine:
    return Engine({"vip": {"all": [{"field": "tier", "op": "eq", "value": "gold"}, {"not": {"field": "banned", "op": "eq", "value": True}}]}})


if __name__ == "__main__":
    e = cached_engine("default")
    print(e.batch([{"tier": "gold"}, {"tier": "gold", "banned": True}, {"tier": "silver"}]))
