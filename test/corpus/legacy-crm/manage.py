#!/usr/bin/env python
import asyncio
import functools

import typer
from sqlalchemy import select

from crm.database import AsyncSessionLocal, Base, engine
from crm.models import Contact, User

cli = typer.Typer(help="CRM management commands")


def coro(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


@cli.command()
def create_tables():
    Base.metadata.create_all(bind=engine)
    typer.echo("tables created")


@cli.command()
@coro
async def reassign(from_user: int, to_user: int):
    async with AsyncSessionLocal() as db:
        contacts = (await db.scalars(select(Contact).where(Contact.owner_id == from_user))).all()
        for c in contacts:
            c.owner_id = to_user
        await db.commit()
    typer.echo(f"moved {len(contacts)} contacts")


@cli.command()
@coro
async def list_admins():
    async with AsyncSessionLocal() as db:
        for user in await db.scalars(select(User).where(User.is_admin.is_(True))):
            typer.echo(f"{user.id}\t{user.email}")


@cli.command()
def bootstrap(admin_email: str):
    create_tables()
    list_admins()


if __name__ == "__main__":
    cli()
