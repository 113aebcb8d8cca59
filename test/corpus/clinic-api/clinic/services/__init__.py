from .patients import *  # noqa: F403
from .async_patients import *  # noqa: F403
from .scheduling import SchedulingService, scheduling_service
