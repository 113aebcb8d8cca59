from .hub import Hub
from .repo import MessageRepo, RoomRepo
