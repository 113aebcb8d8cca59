from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.core.db import Base


class Slot(Base):
    __tablename__ = "slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    doctor: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int] = mapped_column(default=20)

    appointment: Mapped["Appointment | None"] = relationship(back_populates="slot", uselist=False)


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="booked")
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    patient: Mapped["Patient"] = relationship(back_populates="appointments")
    slot: Mapped[Slot] = relationship(back_populates="appointment", lazy="joined")


from .patient import Patient  # noqa: E402  (resolves the string annotation above)
