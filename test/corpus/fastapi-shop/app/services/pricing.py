from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

VAT_RATES = {"GB": Decimal("0.20"), "DE": Decimal("0.19"), "FR": Decimal("0.20"), "US": Decimal("0")}


@dataclass(frozen=True)
class Quote:
    subtotal: Decimal
    vat: Decimal
    shipping: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.vat + self.shipping


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def shipping_for(subtotal: Decimal, country: str) -> Decimal:
    if subtotal >= Decimal("75"):
        return Decimal("0")
    return Decimal("4.99") if country in VAT_RATES else Decimal("14.99")


def quote(lines: list[tuple[Decimal, int]], country: str = "GB") -> Quote:
    subtotal = money(sum((price * qty for price, qty in lines), Decimal("0")))
    vat = money(subtotal * VAT_RATES.get(country, Decimal("0")))
    return Quote(subtotal=subtotal, vat=vat, shipping=shipping_for(subtotal, country))
