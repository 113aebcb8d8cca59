import asyncio
import csv
import os
import sys
from datetime import date, timedelta

import asyncpg

DSN = os.environ.get("REPORT_DSN", "postgresql://report@localhost/app")

SIGNUPS = """
SELECT date_trunc('day', created_at)::date AS day, count(*) AS n
FROM users WHERE created_at >= $1 GROUP BY 1 ORDER BY 1
"""


async def fetch_signups(pool: asyncpg.Pool, since: date) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await conn.fetch(SIGNUPS, since)


async def active_users(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM users WHERE last_seen > now() - interval '30 days'")


async def mark_reported(pool: asyncpg.Pool, day: date) -> None:
    async with pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute("INSERT INTO report_runs (day) VALUES ($1) ON CONFLICT DO NOTHING", day)


async def stream_emails(pool: asyncpg.Pool):
    async with pool.acquire() as conn:
        async with conn.transaction():
            async for record in conn.cursor("SELECT email FROM users WHERE newsletter"):
                yield record["email"]


async def main(days: int) -> None:
    pool = await asyncpg.create_pool(DSN, min_size=1, max_size=4)
    try:
        since = date.today() - timedelta(days=days)
        signups, active = await asyncio.gather(fetch_signups(pool, since), active_users(pool))
        out = csv.writer(sys.stdout)
        out.writerow(["day", "signups"])
        for row in signups:
            out.writerow([row["day"].isoformat(), row["n"]])
        print(f"# active last 30 days: {active}", file=sys.stderr)
        n = 0
        async for _ in stream_emails(pool):
            n += 1
        print(f"# newsletter subscribers: {n}", file=sys.stderr)
        await mark_reported(pool, date.today())
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 14))
