import redis
from flask_caching import Cache
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy


class FlaskRedis:
    """Minimal flask-redis replacement: one client per app, stored in app.extensions."""

    def __init__(self, app=None):
        self._client = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app):
        self._client = redis.Redis.from_url(app.config["REDIS_URL"], decode_responses=True)
        app.extensions["redis"] = self

    def __getattr__(self, name):
        return getattr(self._client, name)


db = SQLAlchemy()
migrate = Migrate()
cache = Cache()
redis_store = FlaskRedis()
