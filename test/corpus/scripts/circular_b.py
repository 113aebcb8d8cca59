from dataclasses import dataclass


@dataclass
class Customer:
    id: int
    name: str

    def orders(self):
        from circular_a import orders_of  # deferred: circular_a imports us at module level

        return orders_of(self.id)


CUSTOMERS = {10: Customer(10, "Ada"), 11: Customer(11, "Grace")}


def find_customer(customer_id: int) -> Customer:
    return CUSTOMERS[customer_id]
