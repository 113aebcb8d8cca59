from sqlalchemy import select

from app.models import Customer
from app.repositories.base import Repository


class CustomerRepository(Repository[Customer]):
    model = Customer

    async def by_email(self, email: str) -> Customer | None:
        result = await self.session.execute(select(Customer).where(Customer.email == email.lower()))
        return result.scalar_one_or_none()

    async def default_address(self, customer: Customer):
        for address in customer.addresses:
            if address.is_default:
                return address
        return customer.addresses[0] if customer.addresses else None
