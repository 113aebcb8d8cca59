"""Upload build artifacts to S3 from an asyncio program without blocking the loop."""
import asyncio
import functools
import hashlib
import mimetypes
from pathlib import Path

import boto3
from botocore.config import Config

s3 = boto3.client("s3", config=Config(retries={"max_attempts": 5, "mode": "adaptive"}))
BUCKET = "acme-artifacts"


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


async def upload(path: Path, prefix: str) -> str:
    key = f"{prefix}/{path.name}"
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    loop = asyncio.get_running_loop()
    digest = await loop.run_in_executor(None, _md5, path)
    await asyncio.to_thread(
        s3.upload_file, str(path), BUCKET, key, ExtraArgs={"ContentType": content_type, "Metadata": {"md5": digest}}
    )
    return key


async def presign_all(keys: list[str], expires: int = 3600) -> dict[str, str]:
    # generate_presigned_url signs locally; no network round-trip.
    return {k: s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": k}, ExpiresIn=expires) for k in keys}


async def tag_release(prefix: str, version: str) -> None:
    resp = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    for obj in resp.get("Contents", []):
        s3.put_object_tagging(Bucket=BUCKET, Key=obj["Key"], Tagging={"TagSet": [{"Key": "version", "Value": version}]})


async def main(directory: str, prefix: str) -> None:
    paths = [p for p in Path(directory).rglob("*") if p.is_file()]
    sem = asyncio.Semaphore(8)

    async def bounded(p: Path) -> str:
        async with sem:
            return await upload(p, prefix)

    keys = await asyncio.gather(*map(bounded, paths))
    urls = await presign_all(list(keys))
    await tag_release(prefix, prefix.rsplit("/", 1)[-1])
    for key, url in sorted(urls.items()):
        print(key, url)


if __name__ == "__main__":
    import sys

    asyncio.run(main(sys.argv[1], sys.argv[2]))
