from pipeline.sources import *  # noqa: F401,F403
from pipeline.transforms import *  # noqa: F401,F403
