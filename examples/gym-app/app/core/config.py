"""Configuración de la aplicación (variables de entorno)."""
import os


class Settings:
    PROJECT_NAME: str = "Gym Platform API"
    API_V1_STR: str = "/api/v1"

    # sqlite por defecto para desarrollo local; en producción es PostgreSQL
    DATABASE_URL: str = os.getenv("DATABASE_URL", "sqlite:///./gym.db")
    REDIS_URL: str = os.getenv("REDIS_URL", "redis://localhost:6379/0")

    SECRET_KEY: str = os.getenv("SECRET_KEY", "dev-secret-change-me")
    ACCESS_TOKEN_EXPIRE_MINUTES: int = int(os.getenv("ACCESS_TOKEN_EXPIRE_MINUTES", "60"))

    AUTH0_DOMAIN: str = os.getenv("AUTH0_DOMAIN", "gym-platform.eu.auth0.com")
    AUTH0_CLIENT_ID: str = os.getenv("AUTH0_CLIENT_ID", "dev-client-id")
    AUTH0_CLIENT_SECRET: str = os.getenv("AUTH0_CLIENT_SECRET", "dev-client-secret")

    STRIPE_API_KEY: str = os.getenv("STRIPE_API_KEY", "sk_test_dev")
    STRIPE_WEBHOOK_SECRET: str = os.getenv("STRIPE_WEBHOOK_SECRET", "whsec_dev")
    STRIPE_DEFAULT_PRICE_ID: str = os.getenv("STRIPE_DEFAULT_PRICE_ID", "price_monthly_basic")

    FEED_MAX_ITEMS: int = 200
    SCHEDULE_CACHE_TTL: int = 60


settings = Settings()
