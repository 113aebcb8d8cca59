"""Python 3.12+ only: PEP 695 generics, `type` statements, PEP 701 f-strings, @override."""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import override

type Pair[T] = tuple[T, T]
type Predicate[T] = Callable[[T], bool]


class Stack[T]:
    def __init__(self) -> None:
        self._items: list[T] = []

    def push(self, item: T) -> None:
        self._items.append(item)

    def pop(self) -> T:
        return self._items.pop()

    def __len__(self) -> int:
        return len(self._items)


class BoundedStack[T](Stack[T]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    @override
    def push(self, item: T) -> None:
        if len(self) >= self.limit:
            raise OverflowError(f"stack is full ({self.limit} items)")
        super().push(item)


def first[T](items: Iterable[T], pred: Predicate[T] = lambda _: True) -> T | None:
    return next((i for i in items if pred(i)), None)


def minmax[T: (int, float)](values: Sequence[T]) -> Pair[T]:
    return min(values), max(values)


@dataclass
class Reading:
    sensor: str
    values: list[float]

    def describe(self) -> str:
        lo, hi = minmax(self.values)
        return f"{self.sensor}: {f"{lo:.1f}"}..{f"{hi:.1f}"} ({len(self.values)} samples, {"ok" if hi - lo < 10 else "noisy"})"


async def drain[T](source: Callable[[], T | None], sink: Callable[[T], object]) -> int:
    n = 0
    while (item := source()) is not None:
        sink(item)
        n += 1
    return n
