from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    redis_url: str = "redis://localhost:6379/0"
    database_url: str = "postgresql+asyncpg://chat:chat@localhost/chat"
    history_size: int = Field(200, ge=10, le=5000)
    max_room_members: int = 500
    presence_ttl: int = 45

    model_config = {"env_prefix": "CHAT_"}


settings = Settings()
