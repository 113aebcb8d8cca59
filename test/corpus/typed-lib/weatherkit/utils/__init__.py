from .geo import *  # noqa: F401,F403
from .units import *  # noqa: F401,F403
