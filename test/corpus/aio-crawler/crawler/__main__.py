import argparse
import asyncio
import logging
import sys

from . import CrawlConfig, Crawler


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="crawler")
    p.add_argument("seeds", nargs="+")
    p.add_argument("-n", "--max-pages", type=int, default=500)
    p.add_argument("-c", "--concurrency", type=int, default=8)
    p.add_argument("--redis")
    p.add_argument("--es")
    p.add_argument("--domain", action="append", default=[])
    p.add_argument("-v", "--verbose", action="store_true")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s")
    config = CrawlConfig(
        seeds=args.seeds,
        max_pages=args.max_pages,
        concurrency=args.concurrency,
        redis_url=args.redis,
        es_url=args.es,
        allowed_domains=set(args.domain),
    )
    stats = asyncio.run(Crawler(config).run())
    return 0 if stats.get("status_2xx") else 1


if __name__ == "__main__":
    sys.exit(main())
