import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import NoResultFound

from crm.database import db_session
from crm.routers import activities, companies, contacts, deals, reports, search, webhooks

logging.basicConfig(level=logging.INFO)

app = FastAPI(title="CRM", version="1.14.0")

for module in (contacts, deals, activities, companies, search, webhooks, reports):
    app.include_router(module.router, prefix="/api/v1")


@app.exception_handler(NoResultFound)
async def not_found_handler(request: Request, exc: NoResultFound):
    return JSONResponse(status_code=404, content={"detail": "Not found"})


@app.on_event("shutdown")
def remove_session():
    db_session.remove()


@app.get("/")
def root():
    return {"service": "crm", "docs": "/docs"}
