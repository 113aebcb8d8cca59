from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from clinic.models import Patient

from .base import AsyncCrudMixin, SoftDeleteMixin


class PatientRepository(AsyncCrudMixin[Patient], SoftDeleteMixin):
    model = Patient

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_mrn(self, mrn: str) -> Patient | None:
        return await self.session.scalar(select(Patient).where(Patient.mrn == mrn))

    async def with_history(self, pk: int) -> Patient | None:
        stmt = select(Patient).options(selectinload(Patient.appointments)).where(Patient.id == pk)
        return (await self.session.execute(stmt)).scalar_one_or_none()
