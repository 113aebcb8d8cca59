import logging
from contextlib import contextmanager

import pandas as pd
import psycopg2
import psycopg2.extras
from sqlalchemy import create_engine, text

from pipeline.settings import BATCH_SIZE, WAREHOUSE_DSN

log = logging.getLogger(__name__)
engine = create_engine(WAREHOUSE_DSN.replace("postgresql://", "postgresql+psycopg2://"), pool_pre_ping=True)


@contextmanager
def cursor():
    conn = psycopg2.connect(WAREHOUSE_DSN)
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def upsert_orders(df: pd.DataFrame) -> int:
    cols = ["order_id", "customer_id", "amount_eur", "created_at"]
    rows = list(df[cols].itertuples(index=False, name=None))
    sql = """
        INSERT INTO fact_orders (order_id, customer_id, amount_eur, created_at) VALUES %s
        ON CONFLICT (order_id) DO UPDATE SET amount_eur = EXCLUDED.amount_eur
    """
    with cursor() as cur:
        psycopg2.extras.execute_values(cur, sql, rows, page_size=BATCH_SIZE)
        return cur.rowcount


def replace_table(df: pd.DataFrame, name: str) -> None:
    df.to_sql(name, engine, if_exists="replace", index=False, chunksize=BATCH_SIZE, method="multi")
    log.info("wrote %d rows to %s", len(df), name)


def query(sql: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)
