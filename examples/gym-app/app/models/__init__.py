from app.models.attendance import Attendance
from app.models.event import Event, EventParticipant
from app.models.gym import Gym
from app.models.membership import Membership
from app.models.schedule import ClassSession, Participation
from app.models.user import User

__all__ = [
    "Attendance",
    "ClassSession",
    "Event",
    "EventParticipant",
    "Gym",
    "Membership",
    "Participation",
    "User",
]
