"""Sync patient service (legacy, still used by the reception desk endpoints)."""
from sqlalchemy.orm import Session

from clinic.core.cache import redis_client
from clinic.models import Allergy, Patient

__all__ = ["PatientService", "patient_service"]


class PatientService:
    def get_patient(self, db: Session, patient_id: int) -> Patient | None:
        return db.get(Patient, patient_id)

    def find_by_mrn(self, db: Session, mrn: str) -> Patient | None:
        cached = redis_client.get(f"mrn:{mrn}")
        if cached:
            return db.get(Patient, int(cached))
        patient = db.query(Patient).filter_by(mrn=mrn).one_or_none()
        if patient:
            redis_client.set(f"mrn:{mrn}", patient.id, ex=3600)
        return patient

    def add_allergy(self, db: Session, patient: Patient, substance: str, severity: str = "unknown") -> Allergy:
        allergy = Allergy(patient_id=patient.id, substance=substance, severity=severity)
        db.add(allergy)
        db.commit()
        return allergy


patient_service = PatientService()
