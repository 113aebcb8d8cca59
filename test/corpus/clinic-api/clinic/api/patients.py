from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from clinic.core.db import get_async_session, get_session
from clinic.core.security import staff_role
from clinic.repositories.patients import PatientRepository
from clinic.services import async_patient_service, patient_service

router = APIRouter(prefix="/patients", tags=["patients"], dependencies=[Depends(staff_role)])


class AllergyIn(BaseModel):
    substance: str
    severity: str = "unknown"


def _card(p) -> dict:
    return {
        "id": p.id,
        "mrn": p.mrn,
        "name": p.full_name,
        "age": p.age,
        "allergies": [{"substance": a.substance, "severity": a.severity} for a in p.allergies],
    }


@router.get("/search")
async def search(q: str, db: AsyncSession = Depends(get_async_session)):
    return [_card(p) for p in await async_patient_service.search(db, q)]


@router.get("/by-mrn/{mrn}")
async def by_mrn(mrn: str, db: AsyncSession = Depends(get_async_session)):
    patient = await async_patient_service.find_by_mrn_async(db, mrn)
    if patient is None:
        raise HTTPException(404)
    return _card(patient)


@router.get("/{patient_id}")
async def get_patient(patient_id: int, db: AsyncSession = Depends(get_async_session)):
    if (patient := await PatientRepository(db).get(patient_id)) is None:
        raise HTTPException(404, f"no patient {patient_id}")
    return _card(patient)


@router.get("/{patient_id}/history")
async def history(patient_id: int, db: AsyncSession = Depends(get_async_session)):
    patient = await PatientRepository(db).with_history(patient_id)
    if patient is None:
        raise HTTPException(404)
    return {"patient": _card(patient), "appointments": [{"id": a.id, "status": a.status, "at": a.slot.starts_at} for a in patient.appointments]}


@router.post("/{patient_id}/allergies", status_code=201)
def add_allergy(patient_id: int, body: AllergyIn, db: Session = Depends(get_session)):
    patient = patient_service.get_patient(db, patient_id)
    if patient is None:
        raise HTTPException(404)
    allergy = patient_service.add_allergy(db, patient, body.substance, body.severity)
    return {"id": allergy.id}


@router.delete("/{patient_id}", status_code=204)
async def archive(patient_id: int, db: AsyncSession = Depends(get_async_session)):
    repo = PatientRepository(db)
    patient = await repo.get(patient_id)
    if patient:
        await repo.soft_delete(patient)
        await db.commit()


@router.get("/")
async def list_patients(limit: int = 50, db: AsyncSession = Depends(get_async_session)):
    patients = await PatientRepository(db).list(limit=limit)
    return [{"id": p.id, "name": p.full_name} for p in patients]
