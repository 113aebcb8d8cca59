from datetime import date, datetime, timedelta, timezone

import click
import pandas as pd

from pipeline import sources
from pipeline.sinks import cache, warehouse
from pipeline.transforms import clean, features


@click.group()
@click.option("--verbose", "-v", is_flag=True)
@click.pass_context
def cli(ctx, verbose):
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


@cli.command()
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.pass_context
def orders(ctx, day):
    day = (day or datetime.now(timezone.utc) - timedelta(days=1)).date()
    with cache.Lock(f"orders:{day}"):
        df = sources.fetch_orders(day)
        df = clean.dedupe_orders(df)
        df = clean.normalise_currency(df)
        n = warehouse.upsert_orders(df)
    cache.publish_done("orders", day=str(day), rows=n)
    if ctx.obj["verbose"]:
        click.echo(df.describe(include="all").to_string())
    click.echo(f"{n} rows upserted for {day}")


@cli.command()
@click.argument("since", type=click.DateTime())
def rfm(since):
    orders = warehouse.query("SELECT * FROM fact_orders WHERE created_at >= :since", since=since)
    table = features.rfm_table(orders)
    warehouse.replace_table(table.reset_index(), "customer_rfm")
    click.echo(table["segment"].value_counts().to_string())


@cli.command("pos")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
def pos(day):
    df = sources.read_daily_exports(day.date())
    summary = df.groupby(["store_id", "weekday"])["revenue"].sum().unstack(fill_value=0)
    cache.put_frame(f"pos:{day:%Y%m%d}", summary)
    click.echo(summary.round(2).to_string())


@cli.command()
def frames():
    for key in cache.list_frames():
        df = cache.get_frame(key)
        click.echo(f"{key}: {'expired' if df is None else df.shape}")


if __name__ == "__main__":
    cli()
