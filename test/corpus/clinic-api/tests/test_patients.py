from datetime import date
from unittest import mock

import pytest

from clinic.models import Allergy, Patient


def make_patient(**kw):
    defaults = dict(id=1, mrn="MRN-1", full_name="Jane Roe", birth_date=date(1990, 5, 17), phone=None)
    defaults.update(kw)
    p = Patient(**defaults)
    p.allergies = [Allergy(substance="penicillin", severity="high")]
    return p


def test_age_before_birthday():
    with mock.patch("clinic.models.patient.date") as d:
        d.today.return_value = date(2024, 5, 16)
        d.side_effect = lambda *a, **kw: date(*a, **kw)
        assert make_patient().age == 33


@pytest.mark.anyio
async def test_find_by_mrn_uses_cache():
    from clinic.services.async_patients import AsyncPatientService

    db = mock.AsyncMock()
    db.get.return_value = make_patient()
    with mock.patch("clinic.services.async_patients.async_redis") as r:
        r.get = mock.AsyncMock(return_value="1")
        patient = await AsyncPatientService().find_by_mrn(db, "MRN-1")
    assert patient.mrn == "MRN-1"
    db.scalar.assert_not_called()
