from decimal import Decimal

import pytest

from app.services.pricing import money, quote, shipping_for


@pytest.mark.parametrize(
    "value,expected",
    [(Decimal("1.005"), Decimal("1.01")), (Decimal("2.994"), Decimal("2.99")), (Decimal("0"), Decimal("0.00"))],
)
def test_money_rounds_half_up(value, expected):
    assert money(value) == expected


def test_free_shipping_threshold():
    assert shipping_for(Decimal("75"), "GB") == 0
    assert shipping_for(Decimal("74.99"), "GB") == Decimal("4.99")
    assert shipping_for(Decimal("10"), "JP") == Decimal("14.99")


def test_quote_us_has_no_vat():
    q = quote([(Decimal("10.00"), 2)], country="US")
    assert q.vat == 0
    assert q.total == Decimal("24.99")
