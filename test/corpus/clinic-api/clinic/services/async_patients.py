from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clinic.core.cache import async_redis
from clinic.models import Allergy, Patient

__all__ = ["AsyncPatientService", "async_patient_service"]


class AsyncPatientService:
    async def get_patient(self, db: AsyncSession, patient_id: int) -> Patient | None:
        return await db.get(Patient, patient_id)

    async def find_by_mrn(self, db: AsyncSession, mrn: str) -> Patient | None:
        cached = await async_redis.get(f"mrn:{mrn}")
        if cached:
            return await db.get(Patient, int(cached))
        patient = await db.scalar(select(Patient).where(Patient.mrn == mrn))
        if patient:
            await async_redis.set(f"mrn:{mrn}", patient.id, ex=3600)
        return patient

    async def add_allergy(self, db: AsyncSession, patient: Patient, substance: str, severity: str = "unknown") -> Allergy:
        allergy = Allergy(patient_id=patient.id, substance=substance, severity=severity)
        db.add(allergy)
        await db.commit()
        return allergy

    async def search(self, db: AsyncSession, text: str, limit: int = 20) -> list[Patient]:
        stmt = select(Patient).where(Patient.full_name.ilike(f"%{text}%")).order_by(Patient.full_name).limit(limit)
        return list((await db.scalars(stmt)).all())


async_patient_service = AsyncPatientService()
