from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.settings import DATA_DIR

DTYPES = {"sku": "string", "store_id": "int32", "units": "int32", "price": "float64"}


def read_daily_exports(day: date, root: Path = DATA_DIR) -> pd.DataFrame:
    pattern = f"pos_export_{day:%Y%m%d}_*.csv"
    frames = [pd.read_csv(p, dtype=DTYPES, parse_dates=["sold_at"]) for p in sorted(root.glob(pattern))]
    if not frames:
        raise FileNotFoundError(f"no exports for {day} under {root}")
    df = pd.concat(frames, ignore_index=True)
    df = df.query("units > 0 and price >= 0")
    df["revenue"] = df["units"] * df["price"]
    df["weekday"] = df["sold_at"].dt.day_name()
    df.loc[df["store_id"].isin([0, 999]), "store_id"] = np.nan
    return df.dropna(subset=["store_id"])


def schema_report(df: pd.DataFrame) -> dict:
    return {col: str(df[col].dtype) for col in df.keys()}
