from __future__ import annotations

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.fastapi import GraphQLRouter
from fastapi import FastAPI

FAKE_DB = {1: {"id": 1, "name": "Ada", "friends": [2]}, 2: {"id": 2, "name": "Linus", "friends": [1]}}


async def load_users(keys: list[int]) -> list[dict | None]:
    return [FAKE_DB.get(k) for k in keys]


@strawberry.type
class User:
    id: int
    name: str
    friend_ids: strawberry.Private[list[int]]

    @strawberry.field
    async def friends(self, info: strawberry.Info) -> list[User]:
        rows = await info.context["users"].load_many(self.friend_ids)
        return [User(id=r["id"], name=r["name"], friend_ids=r["friends"]) for r in rows if r]


@strawberry.type
class Query:
    @strawberry.field
    async def user(self, info: strawberry.Info, id: int) -> User | None:
        row = await info.context["users"].load(id)
        return User(id=row["id"], name=row["name"], friend_ids=row["friends"]) if row else None

    @strawberry.field
    def version(self) -> str:
        return "1.0"


schema = strawberry.Schema(query=Query)


async def get_context():
    return {"users": DataLoader(load_fn=load_users)}


app = FastAPI()
app.include_router(GraphQLRouter(schema, context_getter=get_context), prefix="/graphql")


def run_query(query: str, variables: dict | None = None) -> dict:
    result = schema.execute_sync(query, variable_values=variables)
    if result.errors:
        raise RuntimeError(result.errors[0].message)
    return result.data
