"""Recordatorios de clases del día (cron: `python -m app.workers.reminders <gym_id>`).

WIP de la migración: NO se importa desde la app. Tal y como está, este módulo ni
siquiera compila (`await` dentro de un `def`); por eso el cron está desactivado.
"""
import logging
import sys

from app.db.session import AsyncSessionLocal
from app.services.async_schedule import async_schedule_service

logger = logging.getLogger(__name__)


def send_class_reminders(gym_id: int) -> int:
    db = AsyncSessionLocal()
    sessions = await async_schedule_service.list_today(db, gym_id)
    sent = 0
    for session in sessions:
        logger.info("Recordatorio: %s a las %s", session.name, session.start_time.strftime("%H:%M"))
        sent += 1
    return sent


if __name__ == "__main__":
    send_class_reminders(int(sys.argv[1]))
