import numpy as np
import pandas as pd
import pytest

from pipeline.transforms.clean import dedupe_orders, drop_internal, normalise_currency
from pipeline.transforms.features import rolling_revenue, zscores


@pytest.fixture
def orders():
    return pd.DataFrame(
        {
            "order_id": [1, 1, 2, 3],
            "customer_id": [10, 10, 11, 12],
            "amount": [5.0, 6.0, 10.0, 100.0],
            "currency": ["EUR", "EUR", "USD", "GBP"],
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-03"], utc=True),
        }
    )


def test_dedupe_keeps_latest(orders):
    out = dedupe_orders(orders)
    assert out.set_index("order_id").loc[1, "amount"] == 6.0


def test_unknown_currency_raises(orders):
    orders.loc[0, "currency"] = "XXX"
    with pytest.raises(ValueError, match="XXX"):
        normalise_currency(orders)


def test_drop_internal(orders):
    assert set(drop_internal(orders, {10}).customer_id) == {11, 12}


def test_rolling_fills_gaps():
    daily = pd.DataFrame({"day": pd.to_datetime(["2024-01-01", "2024-01-03"]), "revenue": [10.0, 20.0]})
    out = rolling_revenue(daily, window=2)
    assert list(out["revenue"]) == [10.0, 0.0, 20.0]


def test_zscores_constant():
    assert np.all(zscores(np.array([3.0, 3.0])) == 0)
