from datetime import datetime, timezone

from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorClient

client = AsyncIOMotorClient("mongodb://localhost:27017")
db = client.blog


async def create_post(author: str, title: str, body: str) -> str:
    doc = {"author": author, "title": title, "body": body, "created": datetime.now(timezone.utc), "tags": []}
    result = await db.posts.insert_one(doc)
    return str(result.inserted_id)


async def get_post(post_id: str) -> dict | None:
    return await db.posts.find_one({"_id": ObjectId(post_id)})


async def posts_by(author: str, limit: int = 20) -> list[dict]:
    cursor = db.posts.find({"author": author}).sort("created", -1).limit(limit)
    return await cursor.to_list(length=limit)


async def iter_all():
    async for doc in db.posts.find({}, {"title": 1}):
        yield doc["title"]


async def delete_post(post_id: str) -> bool:
    result = await db.posts.delete_one({"_id": ObjectId(post_id)})
    return result.deleted_count == 1


async def tag_counts() -> dict[str, int]:
    pipeline = [{"$unwind": "$tags"}, {"$group": {"_id": "$tags", "n": {"$sum": 1}}}, {"$sort": {"n": -1}}]
    return {d["_id"]: d["n"] async for d in db.posts.aggregate(pipeline)}


async def ensure_indexes() -> None:
    await db.posts.create_index([("author", 1), ("created", -1)])
    await db.posts.create_index("tags")
