import pandas as pd
from sqlalchemy.orm import Session

from crm.models import Deal


def deals_frame(db: Session) -> pd.DataFrame:
    return pd.read_sql(db.query(Deal).statement, db.bind)


def win_rate_by_month(db: Session) -> pd.DataFrame:
    df = deals_frame(db)
    closed = df.query("stage in ['won', 'lost']").copy()
    closed["month"] = pd.to_datetime(closed["closed_at"]).dt.to_period("M")
    table = closed.pivot_table(index="month", columns="stage", values="id", aggfunc="count", fill_value=0)
    table["win_rate"] = table["won"] / (table["won"] + table["lost"])
    return table.reset_index()


def big_open_deals(db: Session, threshold: float = 10_000) -> list[dict]:
    df = deals_frame(db)
    open_ = df.query("stage not in ('won', 'lost') and amount >= @threshold")
    return open_.sort_values("amount", ascending=False).to_dict(orient="records")


def columns(db: Session) -> list[str]:
    return list(deals_frame(db).keys())
