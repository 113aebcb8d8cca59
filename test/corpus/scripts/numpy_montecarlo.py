"""Monte Carlo option pricing, vectorised."""
import argparse
import time

import numpy as np


def price_european(s0: float, k: float, r: float, sigma: float, t: float, n: int = 1_000_000, seed: int = 42) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)
    st = s0 * np.exp((r - 0.5 * sigma**2) * t + sigma * np.sqrt(t) * z)
    payoff = np.maximum(st - k, 0.0)
    disc = np.exp(-r * t) * payoff
    return float(disc.mean()), float(disc.std(ddof=1) / np.sqrt(n))


def greeks(s0, k, r, sigma, t, bump=0.01):
    base, _ = price_european(s0, k, r, sigma, t)
    up, _ = price_european(s0 * (1 + bump), k, r, sigma, t)
    down, _ = price_european(s0 * (1 - bump), k, r, sigma, t)
    delta = (up - down) / (2 * s0 * bump)
    gamma = (up - 2 * base + down) / (s0 * bump) ** 2
    return {"price": base, "delta": delta, "gamma": gamma}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--spot", type=float, default=100)
    p.add_argument("--strike", type=float, default=105)
    p.add_argument("--vol", type=float, default=0.2)
    args = p.parse_args()
    t0 = time.perf_counter()
    g = greeks(args.spot, args.strike, 0.03, args.vol, 1.0)
    print({k: round(v, 4) for k, v in g.items()}, f"{time.perf_counter() - t0:.2f}s")
