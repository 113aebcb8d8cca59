"""Orders side of a circular import pair (circular_b imports this module back)."""
from dataclasses import dataclass, field

import circular_b


@dataclass
class Order:
    id: int
    customer_id: int
    lines: list[tuple[str, int]] = field(default_factory=list)

    def customer(self) -> "circular_b.Customer":
        return circular_b.find_customer(self.customer_id)


ORDERS = {1: Order(1, 10, [("sku-1", 2)]), 2: Order(2, 11)}


def orders_of(customer_id: int) -> list[Order]:
    return [o for o in ORDERS.values() if o.customer_id == customer_id]
