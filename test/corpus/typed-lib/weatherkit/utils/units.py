__all__ = ["c_to_f", "f_to_c", "kph_to_mph", "beaufort"]

_BEAUFORT = [1, 6, 12, 20, 29, 39, 50, 62, 75, 89, 103, 118]


def c_to_f(c: float) -> float:
    return c * 9 / 5 + 32


def f_to_c(f: float) -> float:
    return (f - 32) * 5 / 9


def kph_to_mph(kph: float) -> float:
    return kph / 1.609344


def beaufort(kph: float) -> int:
    for force, limit in enumerate(_BEAUFORT):
        if kph < limit:
            return force
    return 12
