from .appointment import Appointment, Slot
from .patient import Allergy, Patient

__all__ = ["Allergy", "Appointment", "Patient", "Slot"]
