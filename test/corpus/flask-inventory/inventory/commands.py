import csv
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db, redis_store
from .models import Item, Warehouse


@click.command("import-items")
@click.argument("path", type=click.Path(exists=True))
@with_appcontext
def import_items(path):
    created = 0
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            if Item.query.filter_by(sku=row["sku"].upper()).first():
                continue
            db.session.add(Item(sku=row["sku"].upper(), name=row["name"], unit_cost=row.get("cost") or 0))
            created += 1
    db.session.commit()
    click.echo(f"imported {created} items")


@click.command("watch-stock")
@with_appcontext
def watch_stock():
    """Print stock changes as they happen (Ctrl-C to stop)."""
    pubsub = redis_store.pubsub()
    pubsub.subscribe("stock")
    try:
        while True:
            message = pubsub.get_message(timeout=1.0)
            if message and message["type"] == "message":
                click.echo(message["data"])
            else:
                time.sleep(0.1)
    except KeyboardInterrupt:
        pubsub.close()


@click.command("clear-rl")
@with_appcontext
def clear_rate_limits():
    n = 0
    for key in redis_store.scan_iter("rl:*"):
        redis_store.delete(key)
        n += 1
    click.echo(f"cleared {n} keys; threshold={current_app.config['LOW_STOCK_THRESHOLD']}")


@click.command("seed-warehouses")
@with_appcontext
def seed_warehouses():
    for code, name in (("MAD", "Madrid"), ("BCN", "Barcelona"), ("VLC", "Valencia")):
        if not Warehouse.query.filter_by(code=code).count():
            db.session.add(Warehouse(code=code, name=name))
    db.session.commit()


def register(app):
    for cmd in (import_items, watch_stock, clear_rate_limits, seed_warehouses):
        app.cli.add_command(cmd)
