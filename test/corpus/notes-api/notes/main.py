from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import select

from notes.db import get_db
from notes.models import Note

app = FastAPI()


class NoteIn(BaseModel):
    title: str
    body: str = ""


@app.get("/notes")
async def list_notes(db=Depends(get_db)):
    return (await db.scalars(select(Note).order_by(Note.id.desc()))).all()


@app.post("/notes", status_code=201)
async def create_note(note: NoteIn, db=Depends(get_db)):
    obj = Note(**note.model_dump())
    db.add(obj)
    await db.commit()
    return {"id": obj.id}


@app.delete("/notes/{note_id}", status_code=204)
async def delete_note(note_id: int, db=Depends(get_db)):
    obj = await db.get(Note, note_id)
    if obj is None:
        raise HTTPException(404)
    await db.delete(obj)
    await db.commit()
