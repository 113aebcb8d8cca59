"""Storage backends: the base class is sync; the S3 one overrides with coroutines."""
import asyncio
import json
from pathlib import Path


class Storage:
    def save(self, key: str, data: bytes) -> None:
        raise NotImplementedError

    def load(self, key: str) -> bytes:
        raise NotImplementedError

    def save_json(self, key: str, obj) -> None:
        self.save(key, json.dumps(obj).encode())


class LocalStorage(Storage):
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, key: str, data: bytes) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def load(self, key: str) -> bytes:
        return (self.root / key).read_bytes()


class AsyncS3Storage(Storage):
    def __init__(self, session, bucket: str) -> None:
        self.session = session
        self.bucket = bucket

    async def save(self, key: str, data: bytes) -> None:
        async with self.session.client("s3") as s3:
            await s3.put_object(Bucket=self.bucket, Key=key, Body=data)

    async def load(self, key: str) -> bytes:
        async with self.session.client("s3") as s3:
            obj = await s3.get_object(Bucket=self.bucket, Key=key)
            return await obj["Body"].read()

    async def save_json(self, key: str, obj) -> None:
        await self.save(key, json.dumps(obj).encode())

    async def copy(self, src: str, dst: str) -> None:
        data = await self.load(src)
        await self.save(dst, data)


async def mirror(keys: list[str], source: AsyncS3Storage, target: AsyncS3Storage) -> None:
    await asyncio.gather(*(target.save(k, await source.load(k)) for k in keys))
