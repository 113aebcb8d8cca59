from functools import lru_cache

from pydantic import Field, PostgresDsn, RedisDsn
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_prefix="SHOP_", extra="ignore")

    debug: bool = False
    database_url: PostgresDsn = Field(default="postgresql+asyncpg://shop:shop@localhost:5432/shop")
    sync_database_url: str = "postgresql+psycopg2://shop:shop@localhost:5432/shop"
    redis_url: RedisDsn = Field(default="redis://localhost:6379/0")
    payment_api_base: str = "https://api.payments.example.com/v2"
    payment_api_key: str = ""
    cart_ttl_seconds: int = 60 * 60 * 24 * 7
    cors_origins: list[str] = ["http://localhost:3000"]
    jwt_secret: str = "change-me"
    jwt_algorithm: str = "HS256"
    access_token_minutes: int = 30


@lru_cache
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
