from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.models import Company, Contact
from crm.repositories.base import BaseRepository


class CompanyRepository(BaseRepository[Company]):
    model = Company

    def by_domain(self, domain: str) -> Optional[Company]:
        return self.db.query(Company).filter(func.lower(Company.domain) == domain.lower()).first()

    def contact_count(self, company: Company) -> int:
        return company.contacts.count()


class AsyncCompanyRepository:
    """Async flavour used by migrated endpoints; same method names, all coroutines."""

    def __init__(self, db: AsyncSession):
        self.db = db

    async def get(self, pk) -> Optional[Company]:
        return await self.db.get(Company, pk)

    async def by_domain(self, domain: str) -> Optional[Company]:
        return await self.db.scalar(select(Company).where(func.lower(Company.domain) == domain.lower()))

    async def contact_count(self, company: Company) -> int:
        return await self.db.scalar(select(func.count()).select_from(Contact).where(Contact.company_id == company.id))

    async def save(self, company: Company) -> Company:
        self.db.add(company)
        await self.db.commit()
        return company
