import shutil
import time
from pathlib import Path
from typing import Annotated

import requests
from fastapi import BackgroundTasks, Depends, FastAPI, File, Header, HTTPException, UploadFile
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

app = FastAPI(title="files")
security = HTTPBearer()
UPLOADS = Path("uploads")
UPLOADS.mkdir(exist_ok=True)


class Pagination:
    def __init__(self, skip: int = 0, limit: int = 20):
        self.skip = skip
        self.limit = min(limit, 100)


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


def verify_token(creds: Annotated[HTTPAuthorizationCredentials, Depends(security)]) -> str:
    if creds.credentials != "secret-token":
        raise HTTPException(401)
    return "admin"


def write_log(message: str) -> None:
    with open("log.txt", "a") as fh:
        time.sleep(0.01)
        fh.write(message + "\n")


@app.get("/")
async def root():
    return {"message": "Hello World"}


@app.get("/items")
async def list_items(page: Annotated[Pagination, Depends()]):
    return {"skip": page.skip, "limit": page.limit}


@app.post("/items")
async def create_item(item: Item, background_tasks: BackgroundTasks, user: str = Depends(verify_token)):
    background_tasks.add_task(write_log, f"{user} created {item.name}")
    return item


@app.post("/upload")
async def upload(file: UploadFile = File(...)):
    dest = UPLOADS / Path(file.filename).name
    with dest.open("wb") as out:
        shutil.copyfileobj(file.file, out)
    return {"filename": dest.name, "size": dest.stat().st_size}


@app.post("/upload-small")
async def upload_small(file: UploadFile):
    content = await file.read()
    return {"filename": file.filename, "bytes": len(content)}


@app.get("/download/{name}")
def download(name: str):
    path = UPLOADS / Path(name).name
    if not path.exists():
        raise HTTPException(404)
    return FileResponse(path)


@app.get("/weather/{city}")
async def weather(city: str, user_agent: Annotated[str | None, Header()] = None):
    resp = requests.get(f"https://wttr.in/{city}", params={"format": "j1"}, timeout=5)
    return {"city": city, "ua": user_agent, "current": resp.json()["current_condition"][0]}


@app.get("/slow")
async def slow():
    time.sleep(1)
    return {"done": True}


@app.get("/slow-ok")
def slow_ok():
    time.sleep(1)
    return {"done": True}
