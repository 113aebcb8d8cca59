from flask import Flask

from .extensions import cache, db, migrate, redis_store


def create_app(config_object: str = "inventory.config.Config") -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)
    db.init_app(app)
    migrate.init_app(app, db)
    cache.init_app(app)
    redis_store.init_app(app)

    from .views import api, pages, reports

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(reports.bp, url_prefix="/reports")

    from . import commands

    commands.register(app)
    return app
