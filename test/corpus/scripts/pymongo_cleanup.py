import datetime
import sys

from pymongo import MongoClient, UpdateOne

client = MongoClient("mongodb://localhost:27017", serverSelectionTimeoutMS=3000)
db = client.get_database("blog")


def dedupe_tags() -> int:
    ops = []
    for post in db.posts.find({"tags.1": {"$exists": True}}, {"tags": 1}):
        unique = sorted(set(post["tags"]))
        if unique != post["tags"]:
            ops.append(UpdateOne({"_id": post["_id"]}, {"$set": {"tags": unique}}))
    return db.posts.bulk_write(ops).modified_count if ops else 0


def purge_drafts(days: int) -> int:
    cutoff = datetime.datetime.utcnow() - datetime.timedelta(days=days)
    return db.posts.delete_many({"draft": True, "created": {"$lt": cutoff}}).deleted_count


def field_names() -> set[str]:
    names: set[str] = set()
    for doc in db.posts.find().limit(500):
        names.update(doc.keys())
    return names


if __name__ == "__main__":
    print("deduped", dedupe_tags())
    print("purged", purge_drafts(int(sys.argv[1]) if len(sys.argv) > 1 else 365))
    print("fields", sorted(field_names()))
