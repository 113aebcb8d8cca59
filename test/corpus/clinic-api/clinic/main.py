from fastapi import FastAPI

from clinic.api import appointments, patients, reminders

app = FastAPI(title="Clinic")
app.include_router(patients.router, prefix="/api")
app.include_router(appointments.router, prefix="/api")
app.include_router(reminders.router, prefix="/api")


@app.get("/health")
async def health():
    return {"ok": True}
